// The fleet-wide failure run and probe ownership on a real redis-server: two trackers standing in
// for replicas, each seeing part of a dead deployment's failures, eject it after five in all (not five
// each); a success anywhere ends the run; while a run is open the replicas together send no more
// attempts into it than the run that ejects (slots); one replica per period owns a deployment's probes.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { TestRedis } from '../../../test/support/redis-server.js';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import type { AttemptSlot } from '../health-gate.js';
import type { HealthSettings } from '../health-settings.js';
import { HealthTracker } from '../health-tracker.js';
import { fleetSlotLeaseMs } from './fleet-failure-run.js';
import { RedisHealthShare } from './redis-health-share.js';
import { sharedHealthKeys } from './shared-health-keys.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
/** A success sent after the current run began (the run judges successes by when their attempt started). */
const quickOk: AttemptOutcome = { kind: 'success', latencyMs: 10, timeToFirstTokenMs: 5 };
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

function replica(replicaId: string, clock: ManualClock, defaults?: Partial<HealthSettings>) {
  const tracker = new HealthTracker({ deployments, clock, ...(defaults ? { defaults } : {}) });
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
  /** An attempt as the router makes one: admitted, then given a fleet slot (undefined: refused). */
  const reserve = async (): Promise<AttemptSlot | undefined> =>
    tracker.admit('claude') ? tracker.reserve('claude') : undefined;
  return { tracker, share, state, reserve };
}

/** The deployment's open run and the slots held in it, read straight from Redis. */
async function fleetRun(): Promise<{ run: number; slots: number }> {
  const client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
  try {
    const keys = sharedHealthKeys().run('claude');
    return { run: Number((await client.hget(keys.run, 'total')) ?? 0), slots: await client.zcard(keys.slots) };
  } finally {
    client.disconnect();
  }
}

async function heldSlots(): Promise<number> {
  return (await fleetRun()).slots;
}

/** Records a failure that held `slot` and waits until the fleet's run has counted it. */
async function fail(target: ReturnType<typeof replica>, slot: AttemptSlot | undefined, run: number) {
  target.tracker.record('claude', down, slot);
  await waitFor(() => target.state().consecutiveFailures >= run || target.state().state === 'ejected', `run ${run}`);
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
    await send(b, quickOk, clock);
    await send(b, down, clock);
    await send(b, down, clock);
    expect(b.state().state).toBe('healthy');
    expect(b.state().consecutiveFailures).toBe(2);
  });

  it('is not ended by a success of an attempt that started before the run began', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) await send(index % 2 ? a : b, ok, clock);
    await fail(a, undefined, 1);
    await fail(b, undefined, 2);
    // A stream that was sent 5 s ago finishes well: it says nothing about the deployment now.
    b.tracker.record('claude', { ...ok, latencyMs: 5_000 });
    await fail(a, undefined, 3);
    expect((await fleetRun()).run).toBe(3);
    // One sent after the run began ends it.
    b.tracker.record('claude', quickOk);
    await waitFor(async () => (await fleetRun()).run === 0, 'the run to end');
  });

  it('sends no more attempts into an open run, across replicas, than the run that ejects', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    // Both replicas know the deployment as one that usually works: its run that ejects is five.
    for (let index = 0; index < 20; index += 1) await send(index % 2 ? a : b, ok, clock);
    expect(a.tracker.reserve('claude')).toEqual(Promise.resolve({}));
    await fail(a, await a.reserve(), 1);
    // Six attempts at once on both replicas: the run (1) and four slots make five, the other two are refused.
    const slots = await Promise.all([a.reserve(), b.reserve(), a.reserve(), b.reserve(), a.reserve(), b.reserve()]);
    const granted = slots.filter((slot) => slot !== undefined);
    expect(granted).toHaveLength(4);
    expect(granted.every((slot) => typeof slot.reservation === 'string')).toBe(true);
    expect(await heldSlots()).toBe(4);
    // Each failure takes its slot with it: the run grows as the slots shrink, and nothing more is let in.
    for (const [index, slot] of slots.entries()) {
      if (!slot) continue;
      expect(await (index % 2 ? b : a).reserve()).toBeUndefined();
      await fail(index % 2 ? b : a, slot, 2);
    }
    await waitFor(() => a.state().state === 'ejected' && b.state().state === 'ejected', 'both replicas to eject');
    expect(await heldSlots()).toBe(0);
    expect([a.state().reason, b.state().reason].join(' ')).toMatch(/5 consecutive failures/);
  });

  it('gives a slot back at first content, and a success ends the run and every slot', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) await send(index % 2 ? a : b, ok, clock);
    await fail(b, await b.reserve(), 1);
    const slots = [await a.reserve(), await a.reserve(), await b.reserve(), await b.reserve()];
    expect(slots.every((slot) => slot?.reservation !== undefined)).toBe(true);
    expect(await a.reserve()).toBeUndefined();
    // The attempt holding the first slot shows content: the deployment answers, the slot is free again.
    a.tracker.start('claude', { slot: slots[0]! }).firstContent();
    await waitFor(async () => (await heldSlots()) === 3, 'the slot to come back');
    const again = await b.reserve();
    expect(again?.reservation).toBeDefined();
    // A success anywhere ends the run: slots are no longer needed, and none is held.
    a.tracker.record('claude', quickOk, slots[1]);
    await waitFor(async () => (await heldSlots()) === 0, 'the run to end');
    expect(await b.reserve()).toEqual({});
    expect(b.state().state).toBe('healthy');
  });

  it('frees a slot whose replica never reports back once its lease is over', async () => {
    const clock = new ManualClock();
    // A window longer than the lease: what b learned (a deployment that usually works) still holds then.
    const longWindow = { windowMs: 60_000, bucketMs: 5_000 };
    const a = replica('a', clock, longWindow);
    const b = replica('b', clock, longWindow);
    await Promise.all([a.share.start(), b.share.start()]);
    for (let index = 0; index < 20; index += 1) await send(index % 2 ? a : b, ok, clock);
    await fail(a, await a.reserve(), 1);
    for (let index = 0; index < 4; index += 1) expect(await a.reserve()).toBeDefined();
    // Replica a stops with four attempts out: b is refused until their lease runs out.
    await a.share.close();
    expect(await b.reserve()).toBeUndefined();
    await clock.advance(fleetSlotLeaseMs - 1_000);
    expect(await b.reserve()).toBeUndefined();
    await clock.advance(1_000);
    expect((await b.reserve())?.reservation).toBeDefined();
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
