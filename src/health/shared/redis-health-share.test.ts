// Two (or three) trackers standing in for gateway replicas, sharing health through one real
// redis-server. Trackers and publish timers run on a ManualClock the test advances; only the Redis
// round trips take real time, and the test waits for their effects by polling, never by sleeping.
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { TestRedis } from '../../../test/support/redis-server.js';
import type { Clock } from '../../util/clock.js';
import type { StateChange } from '../deployment-state.js';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import { HealthTracker } from '../health-tracker.js';
import { RedisHealthShare, type RedisHealthShareOptions } from './redis-health-share.js';
import { sharedHealthKeys } from './shared-health-keys.js';
import { encodeDecision } from './shared-health-messages.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
const down: AttemptOutcome = { kind: 'overloaded', latencyMs: 30, status: 529 };
const deployments = [
  { id: 'claude', domains: ['anthropic'] },
  { id: 'gpt', domains: ['openai'] },
  { id: 'mistral', domains: [] },
];

let redis: TestRedis;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  redis = await TestRedis.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await redis.stop();
});

function replica(replicaId: string, clock: Clock, options: Partial<RedisHealthShareOptions> = {}) {
  const tracker = new HealthTracker({ deployments, clock });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  const logs: Array<{ level: string; message: string }> = [];
  const logger = {
    warn: (_object: object, message: string) => logs.push({ level: 'warn', message }),
    info: (_object: object, message: string) => logs.push({ level: 'info', message }),
  };
  const share = new RedisHealthShare({ tracker, redisUrl: redis.url, clock, logger, replicaId, ...options });
  cleanups.push(() => share.close());
  const entry = (id: string) => tracker.snapshot().deployments.find((deployment) => deployment.id === id)!;
  return { tracker, share, changes, logs, entry };
}

/** Polls until the condition holds (bounded); Redis round trips are the only thing it waits for. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, attempts = 2_000): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 100 ? 1 : 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** 20 successes then 5 overloaded: a deployment that usually works, then stops (ejected on the 5th). */
function breakDown(tracker: HealthTracker, id: string): void {
  for (let index = 0; index < 20; index += 1) tracker.record(id, ok);
  for (let index = 0; index < 5; index += 1) tracker.record(id, down);
}

describe('RedisHealthShare between replicas', () => {
  it('spreads an ejection at once (not with the counts), and then the readmission', async () => {
    const clock = new ManualClock();
    // Counts would only go out after a minute: whatever b learns comes from the published decision.
    const a = replica('a', clock, { publishIntervalMs: 60_000 });
    const b = replica('b', clock, { publishIntervalMs: 60_000 });
    await Promise.all([a.share.start(), b.share.start()]);
    expect(a.share.connected && b.share.connected).toBe(true);

    for (let index = 0; index < 20; index += 1) a.tracker.record('claude', ok);
    for (let index = 0; index < 4; index += 1) a.tracker.record('claude', down);
    expect(a.entry('claude').state).not.toBe('ejected');
    const decidedAt = performance.now();
    a.tracker.record('claude', down);
    expect(a.entry('claude').state).toBe('ejected');
    await waitFor(() => b.entry('claude').state === 'ejected', 'b to apply the ejection');
    const ejectionDelayMs = performance.now() - decidedAt;

    const ejected = a.entry('claude');
    expect(b.entry('claude')).toMatchObject({
      state: 'ejected',
      ejectedUntil: ejected.ejectedUntil,
      ejectionCount: 1,
      reason: ejected.reason,
    });
    expect(
      b.changes.filter((change) => change.kind === 'deployment').map((change) => `${change.to}/${change.origin}`),
    ).toEqual(['ejected/remote']);
    expect(b.tracker.admit('claude')).toBe(false);
    expect(b.entry('gpt').state).toBe('healthy');

    // The ejection ends; a's trial request succeeds; b, with no traffic of its own, follows.
    await clock.advance(5_100);
    expect(a.tracker.admit('claude')).toBe(true);
    const readmittedAt = performance.now();
    a.tracker.record('claude', ok);
    expect(a.entry('claude').state).toBe('healthy');
    await waitFor(() => b.entry('claude').state === 'healthy', 'b to apply the readmission');
    const readmissionDelayMs = performance.now() - readmittedAt;
    expect(b.changes.filter((change) => change.kind === 'deployment').at(-1)).toMatchObject({
      id: 'claude',
      to: 'healthy',
      origin: 'remote',
      reason: 'trial request succeeded',
    });
    expect(b.tracker.admit('claude')).toBe(true);
    // a never applied anything back (b's own time-based probing was older than a's readmission).
    expect(a.changes.every((change) => change.origin === 'local')).toBe(true);
    expect(a.entry('claude').state).toBe('healthy');

    console.log(
      `shared health propagation: ejection ${ejectionDelayMs.toFixed(1)} ms, readmission ${readmissionDelayMs.toFixed(1)} ms`,
    );
  });

  it('applies an ejection even when its own degraded flip came later (clocks a little apart)', async () => {
    const clockA = new ManualClock(1_700_000_000_000);
    const clockB = new ManualClock(1_700_000_000_000 + 200); // b's clock runs 200 ms ahead
    const a = replica('a', clockA, { publishIntervalMs: 60_000 });
    const b = replica('b', clockB, { publishIntervalMs: 60_000 });
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) b.tracker.record('claude', ok);
    for (let index = 0; index < 3; index += 1) b.tracker.record('claude', down);
    expect(b.entry('claude').state).toBe('degraded');
    breakDown(a.tracker, 'claude');
    expect(a.entry('claude').since).toBeLessThan(b.entry('claude').since);
    // The tracker alone would ignore the ejection as older than b's latest change; a flip is no decision.
    await waitFor(() => b.entry('claude').state === 'ejected', 'b to apply the ejection');
    expect(b.entry('claude').ejectedUntil).toBe(a.entry('claude').ejectedUntil);
  });

  it('ejects on the failure rate of both replicas’ traffic combined, which neither reaches alone', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock, { publishIntervalMs: 1_000 });
    const b = replica('b', clock, { publishIntervalMs: 1_000 });
    await Promise.all([a.share.start(), b.share.start()]);

    // 25 requests each at 60% failures, never more than 2 failures in a row: too few requests for the
    // failure-rate rule (40) and too short a run for the consecutive rule (5) on either replica.
    // The successes are quick: a success whose attempt started before a run of failures does not end it.
    const quickOk: AttemptOutcome = { kind: 'success', latencyMs: 5, timeToFirstTokenMs: 2 };
    const pattern = [down, down, quickOk, down, quickOk];
    for (let index = 0; index < 25; index += 1) {
      await clock.advance(20); // 500 ms in all: before the first publish
      a.tracker.record('claude', pattern[index % pattern.length]!);
      b.tracker.record('claude', pattern[(index + 2) % pattern.length]!);
    }
    for (const side of [a, b]) {
      expect(side.entry('claude')).toMatchObject({ state: 'degraded', requests: 25 });
      expect(side.entry('claude').failureRate).toBeCloseTo(0.6);
      expect(side.changes.some((change) => change.to === 'ejected')).toBe(false);
    }

    await clock.advance(1_000); // both publish their counts
    await waitFor(
      () => a.entry('claude').state === 'ejected' || b.entry('claude').state === 'ejected',
      'an ejection on one replica',
    );
    await waitFor(
      () => a.entry('claude').state === 'ejected' && b.entry('claude').state === 'ejected',
      'the ejection on both',
    );
    const reasons = [a.entry('claude').reason, b.entry('claude').reason];
    expect(reasons.some((reason) => /^failure rate 60(\.0)?% over 50 requests \(across replicas\)$/.test(reason))).toBe(
      true,
    );
    // The first to eject may have passed its decision on before its own counts: wait for those too.
    await waitFor(
      () => a.entry('claude').requests === 50 && b.entry('claude').requests === 50,
      'both windows to hold all 50 requests',
    );
  });

  it('gives a replica that starts later the decisions in force, but not an ejection that is over', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    await a.share.start();
    breakDown(a.tracker, 'claude');
    a.tracker.isolate('gpt', 'drained for maintenance');
    const inspector = new Redis(redis.url);
    cleanups.push(async () => void inspector.disconnect());
    const keys = sharedHealthKeys();
    await waitFor(async () => (await inspector.hlen(keys.states)) === 2, 'both decisions stored');
    // An ejection another replica made long ago, over by now.
    const over = {
      replica: 'gone',
      id: 'mistral',
      to: 'ejected' as const,
      reason: 'old outage',
      at: clock.now() - 600_000,
      ejectedUntil: clock.now() - 595_000,
      ejectionCount: 1,
    };
    await inspector.hset(keys.states, 'mistral', encodeDecision(over));

    // c's deployments are created after the decisions were made: they must still apply.
    await clock.advance(1_000);
    const c = replica('c', clock);
    await c.share.start();
    const ejected = a.entry('claude');
    expect(c.entry('claude')).toMatchObject({ state: 'ejected', ejectedUntil: ejected.ejectedUntil, ejectionCount: 1 });
    expect(c.entry('gpt')).toMatchObject({ state: 'isolated', reason: 'drained for maintenance' });
    expect(c.entry('mistral').state).toBe('healthy');
    expect(c.tracker.admit('claude')).toBe(false);
    expect(c.tracker.admit('gpt')).toBe(false);
    expect(c.tracker.admit('mistral')).toBe(true);
  });
});
