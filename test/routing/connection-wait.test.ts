// Time an attempt spends waiting for an upstream connection (or for the gateway's own event loop)
// before its request leaves is the gateway's: the first-token limit starts when the request is
// dispatched, health learns latencies without the wait and only sees the attempt as in flight from
// then, a deadline that runs out in the queue is a local failure (never counted), and the wait is
// published with the attempt for /metrics.
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/canonical/gateway-error.js';
import type { HealthGate } from '../../src/health/health-gate.js';
import { outcomePolicies } from '../../src/health/outcome-policy.js';
import { type AttemptEvent, attemptChannel } from '../../src/observability/channels.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { setup, settle, textStream } from './router-harness.js';

const published: AttemptEvent[] = [];
const listen = (message: unknown) => published.push(message as AttemptEvent);
diagnosticsChannel.subscribe(attemptChannel.name, listen);
afterEach(() => {
  published.length = 0;
});

const streamRequest = () => simpleTextRequest({ stream: true });

describe('waiting for a connection', () => {
  it('does not charge a wait longer than the first-token limit to the deployment', async () => {
    const { router, clock, recorded } = setup({
      firstTokenMs: 30_000,
      scripts: {
        a: [{ type: 'queued', ms: 45_000, answer: { type: 'stream', events: textStream } }],
        b: [{ type: 'ok' }],
      },
    });
    const routed = (await settle(router.route(streamRequest(), new AbortController().signal), clock)) as {
      deployment: { id: string };
      attempts: Array<{ connectionWaitMs?: number }>;
      events: AsyncIterable<unknown>;
    };
    expect(routed.deployment.id).toBe('a');
    for await (const _event of routed.events);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.outcome).toMatchObject({ kind: 'success', timeToFirstTokenMs: 0, latencyMs: 0 });
    expect(recorded[0]!.outcome).not.toHaveProperty('connectionWaitMs');
    expect(routed.attempts[0]!.connectionWaitMs).toBe(45_000);
    expect(published.map((event) => [event.deployment, event.kind, event.connectionWaitMs])).toEqual([
      ['a', 'success', 45_000],
    ]);
  });

  it('starts the first-token limit when the request leaves, not when the attempt starts', async () => {
    const { router, clock, calls, recorded } = setup({
      firstTokenMs: 2_000,
      scripts: { a: [{ type: 'queued', ms: 10_000, answer: { type: 'hang' } }], b: [{ type: 'ok' }] },
    });
    const routed = (await settle(router.route(streamRequest(), new AbortController().signal), clock)) as {
      deployment: { id: string };
    };
    expect(routed.deployment.id).toBe('b');
    expect(calls[1]!.at - calls[0]!.at).toBe(12_000);
    expect(recorded[0]!.outcome).toMatchObject({ kind: 'first-token-timeout', latencyMs: 2_000 });
  });

  it('ends an attempt whose deadline runs out in the queue as a local failure that health does not count', async () => {
    const { router, clock, recorded } = setup({
      requestMs: 5_000,
      scripts: { a: [{ type: 'queued', ms: 60_000, answer: { type: 'ok' } }] },
    });
    const error = (await settle(router.route(streamRequest(), new AbortController().signal), clock)) as GatewayError;
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error.status).toBe(504);
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['local']);
    expect(outcomePolicies.local.countsAgainstHealth).toBe(false);
    expect(recorded[0]!.outcome.message ?? published[0]!.message).toMatch(/waiting for a connection/);
  });

  it('tells health the attempt is in flight only once its request has left', async () => {
    const started: number[] = [];
    const { router, clock } = setup({
      health: (manual) =>
        ({
          admit: () => true,
          record: () => {},
          start: () => {
            started.push(manual.now());
            return { firstContent: () => {}, end: () => {} };
          },
        }) as HealthGate,
      scripts: { a: [{ type: 'queued', ms: 7_000, answer: { type: 'stream', events: textStream } }] },
    });
    const begin = clock.now();
    await settle(router.route(streamRequest(), new AbortController().signal), clock);
    expect(started.map((at) => at - begin)).toEqual([7_000]);
  });
});
