// The rollup collector turns channel events and health state changes into per-minute rows.
import { describe, expect, it } from 'vitest';
import { RollupCollector } from '../../src/history/rollup-collector.js';
import { publishAttempt, publishRequest } from '../../src/observability/channels.js';
import type { RollupRow } from '../../src/history/store/rollup-rows.js';
import { ManualClock } from '../support/manual-clock.js';

describe('rollup collector', () => {
  it('rolls attempts, requests and ejected time into rows', async () => {
    const clock = new ManualClock(1_800_000_000_000 - (1_800_000_000_000 % 60_000) + 50_000);
    const rows: RollupRow[] = [];
    const listeners: Array<(change: any) => void> = [];
    const collector = new RollupCollector({
      writer: { enqueueRollup: (row) => rows.push(row) },
      clock,
      onStateChange: (listener) => (listeners.push(listener), () => {}),
    });
    publishAttempt({
      route: 'sonnet',
      deployment: 'a',
      provider: 'anthropic',
      kind: 'overloaded',
      latencyMs: 12,
      status: 529,
    });
    publishAttempt({ route: 'sonnet', deployment: 'b', provider: 'openai', kind: 'success', latencyMs: 300 });
    publishAttempt({ route: 'sonnet', deployment: 'a', provider: 'anthropic', kind: 'client-aborted', latencyMs: 5 });
    publishRequest({
      route: 'sonnet',
      format: 'anthropic',
      stream: false,
      status: 200,
      succeeded: true,
      deployment: 'b',
      attempts: 2,
      failedOver: true,
      extraLatencyMs: 12,
      latencyMs: 320,
    });
    publishRequest({
      route: 'sonnet',
      format: 'anthropic',
      stream: false,
      status: 499,
      succeeded: false,
      attempts: 0,
      failedOver: false,
      latencyMs: 3,
    });
    listeners[0]!({
      kind: 'deployment',
      id: 'a',
      from: 'healthy',
      to: 'ejected',
      reason: 'x',
      at: clock.now(),
      origin: 'local',
    });
    await clock.advance(25_000);
    listeners[0]!({
      kind: 'deployment',
      id: 'a',
      from: 'probing',
      to: 'healthy',
      reason: 'y',
      at: clock.now(),
      origin: 'local',
    });
    collector.close();

    const attempts = rows.filter((row) => row.kind === 'deployment' && row.attempts > 0);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      deployment: 'a',
      attempts: 1,
      successes: 0,
      failuresByKind: { overloaded: 1 },
    });
    expect(attempts[1]).toMatchObject({ deployment: 'b', attempts: 1, successes: 1, failuresByKind: {} });
    const routes = rows.filter((row) => row.kind === 'route');
    expect(routes).toEqual([
      {
        kind: 'route',
        minute: expect.any(Number),
        route: 'sonnet',
        requests: 1,
        successes: 1,
        failures: 0,
        failovers: 1,
        extraLatencyMsSum: 12,
      },
    ]);
    const ejected = rows
      .filter((row) => row.kind === 'deployment' && row.ejectedMs > 0)
      .map((row) => (row.kind === 'deployment' ? row.ejectedMs : 0));
    // 25 s ejected, starting 10 s before a minute boundary: split 10 s + 15 s.
    expect(ejected).toEqual([10_000, 15_000]);
  });

  it('counts the hedges of a route, and those that served the request', () => {
    const rows: RollupRow[] = [];
    const collector = new RollupCollector({
      writer: { enqueueRollup: (row) => rows.push(row) },
      clock: new ManualClock(),
    });
    const hedge = { route: 'sonnet', provider: 'openai', role: 'hedge' as const };
    publishAttempt({ ...hedge, deployment: 'gpt', kind: 'success', latencyMs: 90 });
    publishAttempt({ ...hedge, deployment: 'gpt', kind: 'abandoned', latencyMs: 40 });
    publishAttempt({ ...hedge, deployment: 'gpt', kind: 'overloaded', latencyMs: 10, status: 529 });
    publishAttempt({
      route: 'sonnet',
      provider: 'anthropic',
      role: 'first',
      deployment: 'a',
      kind: 'abandoned',
      latencyMs: 95,
    });
    collector.close();
    const routes = rows.filter((row) => row.kind === 'route');
    expect(routes.map((row) => [row.route, row.requests, row.hedges, row.hedgesWon])).toEqual([
      ['sonnet', 0, 1, 1],
      ['sonnet', 0, 1, 0],
      ['sonnet', 0, 1, 0],
    ]);
  });
});
