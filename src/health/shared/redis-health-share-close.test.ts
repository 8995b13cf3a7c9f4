// close() leaves nothing running: both connections, their reconnection timers and the publish timer
// end, whether Redis is there or not. Sockets and timers created while a share lives are tracked
// through async_hooks (counting the process's handles would also count the test runner's own, which
// come and go on their own schedule). The publish timer runs on the real clock here.
import { createHook } from 'node:async_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { TestRedis } from '../../../test/support/redis-server.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import { HealthTracker } from '../health-tracker.js';
import { RedisHealthShare } from './redis-health-share.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
const quiet = { warn: () => {}, info: () => {} };

let redis: TestRedis;
const hooks: Array<{ disable(): unknown }> = [];

beforeEach(async () => {
  redis = await TestRedis.start();
});

afterEach(async () => {
  for (const hook of hooks.splice(0)) hook.disable();
  await redis.stop();
});

function replica(replicaId: string, clock: Clock) {
  const tracker = new HealthTracker({ deployments: [{ id: 'mistral', domains: [] }], clock });
  const share = new RedisHealthShare({
    tracker,
    redisUrl: redis.url,
    clock,
    logger: quiet,
    replicaId,
    publishIntervalMs: 20,
  });
  const entry = () => tracker.snapshot().deployments[0]!;
  return { tracker, share, entry };
}

/** Sockets and timers created from now on that have not ended yet. */
function trackHandles() {
  const live = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'TCPWRAP' || type === 'Timeout') live.set(asyncId, type);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  hooks.push(hook);
  return {
    /**
     * Destroy hooks run a little after the handle closes, and a socket torn down mid-connect may still
     * have a 0 ms timer in flight: give the event loop up to half a second (setImmediate only, which
     * creates no Timeout of its own) before calling anything left a leak.
     */
    async remaining(): Promise<string[]> {
      const started = Date.now();
      while (live.size > 0 && Date.now() - started < 500) await new Promise((resolve) => setImmediate(resolve));
      return [...live.values()].sort();
    },
  };
}

async function waitFor(condition: () => boolean, what: string, attempts = 2_000): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('RedisHealthShare.close', () => {
  it('ends both connections and the publish timer after sharing counts on the real clock', async () => {
    const handles = trackHandles();
    const a = replica('a', systemClock);
    const b = replica('b', systemClock);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 10; index += 1) a.tracker.record('mistral', ok);
    await waitFor(() => b.entry().requests === 10, 'b to merge a’s counts');
    expect(b.entry().latencyP50Ms).toBeGreaterThan(150);
    expect(await handles.remaining()).toEqual(expect.arrayContaining(['TCPWRAP', 'Timeout']));
    await Promise.all([a.share.close(), b.share.close()]);
    expect(a.share.connected || b.share.connected).toBe(false);
    expect(await handles.remaining()).toEqual([]);
  });

  it('cancels the reconnection when Redis is away', async () => {
    await redis.stop();
    const handles = trackHandles();
    const a = replica('a', new ManualClock());
    await a.share.start();
    expect(await handles.remaining()).toContain('Timeout'); // a reconnection timer is pending
    await a.share.close();
    expect(await handles.remaining()).toEqual([]);
    a.tracker.record('mistral', ok); // a closed share no longer listens; nothing throws
    await a.share.close(); // twice is fine
  });

  it('can be closed before or during start', async () => {
    const handles = trackHandles();
    const never = replica('never', new ManualClock());
    await never.share.close();
    await never.share.start();
    expect(never.share.connected).toBe(false);
    const racing = replica('racing', new ManualClock());
    const started = racing.share.start();
    await racing.share.close();
    await started;
    expect(racing.share.connected).toBe(false);
    expect(await handles.remaining()).toEqual([]);
  });
});
