import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { emptyBucketCounts, addOutcome } from './bucket-counts.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { OutcomeWindow } from './outcome-window.js';

const success = (latencyMs = 100, timeToFirstTokenMs?: number): AttemptOutcome => ({
  kind: 'success',
  latencyMs,
  timeToFirstTokenMs,
});
const serverError: AttemptOutcome = { kind: 'server', latencyMs: 20, status: 503 };

function setup() {
  const clock = new ManualClock(1_000_000); // a whole second, so buckets line up with the numbers below
  const window = new OutcomeWindow(clock, { windowMs: 10_000, bucketMs: 1_000 });
  return { clock, window };
}

describe('OutcomeWindow', () => {
  it('counts attempts, requests, failures and the failure rate', () => {
    const { window } = setup();
    window.record(success());
    window.record(success());
    window.record(serverError);
    window.record({ kind: 'invalid-request', latencyMs: 5, status: 400 });
    window.record({ kind: 'client-aborted', latencyMs: 5 });
    window.record({ kind: 'rate-limited', latencyMs: 5, status: 429 });
    const view = window.view();
    expect(view.attempts).toBe(6);
    expect(view.requests).toBe(3); // client errors, aborts and 429s say nothing about upstream health
    expect(view.failures).toBe(1);
    expect(view.failureRate).toBeCloseTo(1 / 3);
    expect(view.failuresByKind).toEqual({ server: 1, 'invalid-request': 1, 'client-aborted': 1, 'rate-limited': 1 });
  });

  it('reports a zero failure rate and no percentiles when empty', () => {
    const { window } = setup();
    expect(window.view()).toMatchObject({
      requests: 0,
      failureRate: 0,
      latency: undefined,
      timeToFirstToken: undefined,
    });
  });

  it('forgets outcomes once their bucket leaves the window', async () => {
    const { clock, window } = setup();
    window.record(serverError);
    await clock.advance(1_000);
    window.record(success());
    await clock.advance(8_999);
    expect(window.view().requests).toBe(2);
    await clock.advance(1); // the first bucket is now 10 s old
    expect(window.view()).toMatchObject({ requests: 1, failures: 0 });
    await clock.advance(1_000);
    expect(window.view().requests).toBe(0);
  });

  it('gives latency and time-to-first-token percentiles of successful attempts only', () => {
    const { window } = setup();
    for (let index = 0; index < 19; index += 1) window.record(success(1_000, 300));
    window.record(success(8_000, 4_000));
    window.record({ kind: 'timeout', latencyMs: 60_000 });
    const view = window.view();
    expect(view.latencySamples).toBe(20);
    expect(view.latency!.p50).toBeGreaterThan(900);
    expect(view.latency!.p50).toBeLessThan(1_100);
    expect(view.latency!.p99).toBeGreaterThan(7_000);
    expect(view.latency!.p99).toBeLessThan(9_000); // the 60 s timeout is not a latency sample
    expect(view.timeToFirstToken!.p50).toBeGreaterThan(270);
    expect(view.timeToFirstToken!.p50).toBeLessThan(330);
  });

  it('merges remote counts into the figures and keeps them out of the local delta', () => {
    const { clock, window } = setup();
    window.record(success());
    const remote = emptyBucketCounts();
    for (let index = 0; index < 3; index += 1) addOutcome(remote, serverError);
    expect(window.mergeRemote(clock.now(), remote)).toBe(true);
    expect(window.view()).toMatchObject({ requests: 4, failures: 3 });
    const delta = window.takeLocalDelta();
    expect(delta).toHaveLength(1);
    expect(delta[0]!.bucketStartMs).toBe(clock.now());
    expect(delta[0]!.counts).toMatchObject({ attempts: 1, successes: 1, failures: 0 });
  });

  it('hands out each local outcome exactly once, bucket by bucket', async () => {
    const { clock, window } = setup();
    window.record(success());
    await clock.advance(1_000);
    window.record(serverError);
    window.record(serverError);
    const first = window.takeLocalDelta();
    expect(first.map((delta) => [delta.bucketStartMs, delta.counts.attempts])).toEqual([
      [1_000_000, 1],
      [1_001_000, 2],
    ]);
    expect(window.takeLocalDelta()).toEqual([]);
    window.record(success());
    expect(window.takeLocalDelta().map((delta) => delta.counts.attempts)).toEqual([1]);
  });

  it('drops local deltas older than the window when nobody takes them', async () => {
    const { clock, window } = setup();
    window.record(success());
    await clock.advance(30_000);
    window.record(success());
    expect(window.takeLocalDelta().map((delta) => delta.bucketStartMs)).toEqual([1_030_000]);
  });

  it('refuses remote counts outside the window, and maps a slightly future bucket to the current one', async () => {
    const { clock, window } = setup();
    await clock.advance(20_000);
    const counts = emptyBucketCounts();
    addOutcome(counts, serverError);
    expect(window.mergeRemote(clock.now() - 10_000, counts)).toBe(false);
    expect(window.mergeRemote(clock.now() + 60_000, counts)).toBe(false);
    expect(window.mergeRemote(Number.NaN, counts)).toBe(false);
    expect(window.mergeRemote(clock.now() + 1_000, counts)).toBe(true);
    expect(window.view().failures).toBe(1);
    expect(window.bucketBreakdown().map((bucket) => bucket.bucketStartMs)).toEqual([clock.now()]);
  });

  it('reset forgets everything and refuses remote counts of buckets that began before it', async () => {
    const { clock, window } = setup();
    window.record(serverError);
    await clock.advance(500);
    window.reset();
    expect(window.view().requests).toBe(0);
    const counts = emptyBucketCounts();
    addOutcome(counts, serverError);
    expect(window.mergeRemote(1_000_000, counts)).toBe(false);
    await clock.advance(500);
    expect(window.mergeRemote(clock.now(), counts)).toBe(true);
    expect(window.view().failures).toBe(1);
  });

  it('rounds a window that is not a whole number of buckets up', () => {
    const window = new OutcomeWindow(new ManualClock(), { windowMs: 2_500, bucketMs: 1_000 });
    expect(window.windowMs).toBe(3_000);
    expect(() => new OutcomeWindow(new ManualClock(), { windowMs: 500, bucketMs: 1_000 })).toThrow(RangeError);
  });
});

describe('OutcomeWindow running counts', () => {
  const kinds = ['success', 'server', 'timeout', 'rate-limited', 'client-aborted', 'invalid-request'] as const;
  const step = fc.oneof(
    fc.record({ type: fc.constant('record' as const), kind: fc.constantFrom(...kinds) }),
    fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4_000 }) }),
    fc.record({
      type: fc.constant('remote' as const),
      ageMs: fc.integer({ min: -2_000, max: 12_000 }),
      successes: fc.integer({ min: 0, max: 5 }),
      failures: fc.integer({ min: 0, max: 5 }),
    }),
    fc.record({ type: fc.constant('reset' as const) }),
  );

  it('equal the counts summed from the buckets after any sequence of outcomes, time, remote merges and resets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { clock, window } = setup();
        for (const action of steps) {
          if (action.type === 'record') window.record({ kind: action.kind, latencyMs: 10 });
          else if (action.type === 'advance') await clock.advance(action.ms);
          else if (action.type === 'reset') window.reset();
          else {
            const counts = emptyBucketCounts();
            for (let index = 0; index < action.successes; index += 1) addOutcome(counts, success());
            for (let index = 0; index < action.failures; index += 1) addOutcome(counts, serverError);
            window.mergeRemote(clock.now() - action.ageMs, counts);
          }
          const summed = emptyBucketCounts();
          for (const bucket of window.bucketBreakdown()) {
            for (const side of [bucket.local, bucket.remote]) {
              summed.attempts += side.attempts;
              summed.successes += side.successes;
              summed.failures += side.failures;
              for (const [kind, count] of Object.entries(side.failuresByKind)) {
                const key = kind as keyof typeof summed.failuresByKind;
                summed.failuresByKind[key] = (summed.failuresByKind[key] ?? 0) + (count ?? 0);
              }
            }
          }
          const view = window.view(false);
          expect({
            attempts: view.attempts,
            successes: view.successes,
            failures: view.failures,
            failuresByKind: view.failuresByKind,
          }).toEqual({
            attempts: summed.attempts,
            successes: summed.successes,
            failures: summed.failures,
            failuresByKind: summed.failuresByKind,
          });
          expect(window.view(true).failuresByKind).toEqual(view.failuresByKind);
        }
      }),
      { numRuns: 200 },
    );
  });
});
