// The fleet-wide failure run and probe ownership on a real redis-server: two trackers standing in
// for replicas, each seeing part of a dead deployment's failures, eject it after five in all (not five
// each); a success anywhere ends the run; one replica per period owns a deployment's probes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { TestRedis } from '../../../test/support/redis-server.js';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import { HealthTracker } from '../health-tracker.js';
import { RedisHealthShare } from './redis-health-share.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
const down: AttemptOutcome = { kind: 'server', latencyMs: 30, status: 503 };
const deployments = [{ id: 'claude', domains: [] }];

let redis: TestRedis;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  redis = await TestRedis.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await redis.stop();
});

function replica(replicaId: string, clock: ManualClock) {
  const tracker = new HealthTracker({ deployments, clock });
  const logger = { warn: () => {}, info: () => {} };
  // Counts go out only after a minute: whatever is shared here is the run and the decisions.
  const share = new RedisHealthShare({
    tracker,
    redisUrl: redis.url,
    clock,
    logger,
    replicaId,
    publishIntervalMs: 60_000,
  });
  cleanups.push(() => share.close());
  const state = () => tracker.snapshot().deployments[0]!;
  return { tracker, share, state };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 100 ? 1 : 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records one outcome and waits for its Redis round trip (the run's reply) to come back. */
async function send(target: ReturnType<typeof replica>, outcome: AttemptOutcome, clock: ManualClock) {
  await clock.advance(40);
  target.tracker.record('claude', outcome);
  await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the fleet-wide failure run', () => {
  it('ejects a dead deployment after five failures across two replicas, not five on each', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) await send(index % 2 ? a : b, ok, clock);
    // Alternating replicas: each sees only two or three of the five.
    for (let index = 0; index < 4; index += 1) await send(index % 2 ? a : b, down, clock);
    // Each replica's own window shows failures (degraded at most); neither has a run of five.
    expect([a.state().state, b.state().state]).not.toContain('ejected');
    await send(a, down, clock);
    await waitFor(() => a.state().state === 'ejected' && b.state().state === 'ejected', 'both replicas to eject');
    // a saw three of the five itself (its window holds only its own outcomes: counts are not shared yet).
    expect(a.state().failuresByKind.server).toBe(3);
    expect(a.state().reason).toMatch(/^5 consecutive failures/);
    expect(a.state().consecutiveFailures).toBe(5);
  });

  it('ends the fleet run at a success on any replica', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) await send(a, ok, clock);
    for (let index = 0; index < 3; index += 1) await send(a, down, clock);
    await send(b, ok, clock);
    await send(b, down, clock);
    await send(b, down, clock);
    expect(b.state().state).toBe('healthy');
    expect(b.state().consecutiveFailures).toBe(2);
  });

  it('gives one replica per period the probes of a deployment, and another once it stops renewing', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    expect(await a.share.claimProbe('claude', 200)).toBe(true);
    expect(await b.share.claimProbe('claude', 200)).toBe(false);
    expect(await a.share.claimProbe('claude', 200)).toBe(true);
    await waitFor(async () => await b.share.claimProbe('claude', 200), 'the claim of a to expire');
    expect(await a.share.claimProbe('claude', 200)).toBe(false);
  });
});
