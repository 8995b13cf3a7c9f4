// Outcome sequences through the tracker, one transition at a time, with a ManualClock.
import { describe, expect, it } from 'vitest';
import { down, ok, setup, times } from '../../test/support/health-tracker-kit.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { ManualClock } from '../../test/support/manual-clock.js';
import { HealthTracker } from './health-tracker.js';

describe('HealthTracker transitions', () => {
  it('healthy → degraded on an elevated failure rate, → healthy once it leaves the window', async () => {
    const { clock, tracker, changes, send, entry } = setup();
    await send([...times(18, ok()), down]);
    expect(entry().state).toBe('healthy'); // 1 in 19 is under 10%
    await send([down]);
    expect(entry()).toMatchObject({
      state: 'degraded',
      reason: 'failure rate 10% over 20 requests',
      requests: 20,
      failureRate: 0.1,
    });
    expect(tracker.admit('primary')).toBe(true); // degraded deployments are still used
    await clock.advance(10_000);
    expect(entry()).toMatchObject({ state: 'healthy', requests: 0 });
    expect(changes.map((change) => `${change.from}→${change.to}`)).toEqual(['healthy→degraded', 'degraded→healthy']);
    expect(changes[1]).toMatchObject({ kind: 'deployment', id: 'primary', origin: 'local', at: clock.now() });
  });

  it('healthy → ejected → probing → healthy, with the window reset on readmission', async () => {
    const { clock, tracker, changes, send, entry } = setup();
    await send(times(100, ok()));
    await send(times(4, down));
    expect(entry().state).toBe('healthy'); // 4 in 104 is not even degraded
    await send([down]);
    const ejectedAt = clock.now();
    expect(entry()).toMatchObject({
      state: 'ejected',
      reason: '5 consecutive failures; last: server (503)',
      ejectionCount: 1,
      ejectedUntil: ejectedAt + 5_000,
      nextProbeAt: ejectedAt + 5_000,
      consecutiveFailures: 5,
    });
    expect(changes.at(-1)).toMatchObject({
      from: 'healthy',
      to: 'ejected',
      ejectedUntil: ejectedAt + 5_000,
      ejectionCount: 1,
    });
    expect(tracker.admit('primary')).toBe(false);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);

    await clock.advance(4_999);
    expect(tracker.admit('primary')).toBe(false);
    await clock.advance(1);
    expect(entry()).toMatchObject({ state: 'probing', since: ejectedAt + 5_000, probesInFlight: 0 });
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback', 'primary']);
    expect(tracker.admit('primary')).toBe(true); // the one trial
    expect(tracker.admit('primary')).toBe(false);
    expect(entry().probesInFlight).toBe(1);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']); // no trial slot left

    await send([ok()]);
    expect(entry()).toMatchObject({
      state: 'healthy',
      reason: 'trial request succeeded',
      requests: 0,
      consecutiveFailures: 0,
      ejectionCount: 1,
    });
    expect(tracker.admit('primary')).toBe(true);
    expect(changes.map((change) => change.to)).toEqual(['ejected', 'probing', 'healthy']);
  });

  it('probing → ejected again for longer when the trial fails', async () => {
    const { clock, tracker, send, entry } = setup();
    await send([...times(20, ok()), ...times(5, down)]);
    await clock.advance(5_000);
    expect(tracker.admit('primary')).toBe(true);
    await send([{ kind: 'timeout', latencyMs: 30_000 }]);
    expect(entry()).toMatchObject({
      state: 'ejected',
      ejectionCount: 2,
      ejectedUntil: clock.now() + 10_000,
      reason: 'trial request failed: timeout',
    });
    await clock.advance(10_000);
    expect(entry().state).toBe('probing');
    expect(tracker.admit('primary')).toBe(true);
    await send([down]);
    expect(entry()).toMatchObject({ state: 'ejected', ejectionCount: 3, ejectedUntil: clock.now() + 15_000 });
  });

  it('never ejects for longer than the cap, however often it is ejected', async () => {
    const { clock, tracker, send, entry } = setup({ baseEjectionMs: 5_000, maxEjectionMs: 12_000 });
    await send([...times(20, ok()), ...times(5, down)]);
    const durations: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const { ejectedUntil } = entry();
      durations.push(ejectedUntil! - clock.now());
      await clock.advance(ejectedUntil! - clock.now());
      expect(tracker.admit('primary')).toBe(true);
      tracker.record('primary', down);
    }
    expect(durations).toEqual([5_000, 10_000, 12_000, 12_000, 12_000]);
    expect(entry().ejectionCount).toBe(3); // counting further would only slow its decay
  });

  it('decays the ejection count by one per stable period after readmission', async () => {
    const { clock, tracker, send, entry } = setup();
    await send([...times(20, ok()), ...times(5, down)]);
    await clock.advance(5_000);
    tracker.admit('primary');
    tracker.record('primary', down); // count 2
    await clock.advance(10_000);
    tracker.admit('primary');
    tracker.record('primary', ok()); // readmitted with count 2
    expect(entry()).toMatchObject({ state: 'healthy', ejectionCount: 2 });
    await clock.advance(59_999);
    expect(entry().ejectionCount).toBe(2);
    await clock.advance(1);
    expect(entry().ejectionCount).toBe(1);
    await clock.advance(60_000);
    expect(entry().ejectionCount).toBe(0);
    // The next ejection starts from the base again.
    await send([...times(20, ok()), ...times(5, down)]);
    expect(entry()).toMatchObject({ state: 'ejected', ejectionCount: 1, ejectedUntil: clock.now() + 5_000 });
  });

  it('does not decay while ejected or probing', async () => {
    const { clock, tracker, send, entry } = setup();
    await send([...times(20, ok()), ...times(5, down)]);
    await clock.advance(200_000); // long past the ejection: probing, nobody sent a trial
    expect(entry()).toMatchObject({ state: 'probing', ejectionCount: 1 });
    expect(tracker.admit('primary')).toBe(true);
  });

  it('frees a trial slot whose outcome never comes back', async () => {
    const { clock, tracker, send } = setup({ probeTrialTimeoutMs: 10_000 });
    await send([...times(20, ok()), ...times(5, down)]);
    await clock.advance(5_000);
    expect(tracker.admit('primary')).toBe(true);
    await clock.advance(9_999);
    expect(tracker.admit('primary')).toBe(false);
    await clock.advance(1);
    expect(tracker.admit('primary')).toBe(true);
  });

  it('admits up to probeTrials concurrent trials', async () => {
    const { clock, tracker, send, entry } = setup({ probeTrials: 3 });
    await send([...times(20, ok()), ...times(5, down)]);
    await clock.advance(5_000);
    expect([1, 2, 3, 4].map(() => tracker.admit('primary'))).toEqual([true, true, true, false]);
    tracker.record('primary', { kind: 'invalid-request', latencyMs: 5, status: 400 }); // says nothing: stays probing
    expect(entry()).toMatchObject({ state: 'probing', probesInFlight: 2 });
    expect(tracker.admit('primary')).toBe(true);
  });

  it('cools down on 429 with retry-after until then, without counting it as an outage', async () => {
    const { clock, tracker, changes, send, entry } = setup();
    await send([{ kind: 'rate-limited', latencyMs: 10, status: 429, retryAfterMs: 3_000 }]);
    const until = clock.now() + 3_000;
    expect(entry()).toMatchObject({ state: 'healthy', coolDownUntil: until, requests: 0 });
    expect(tracker.admit('primary')).toBe(false);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
    await clock.advance(2_999);
    expect(tracker.admit('primary')).toBe(false);
    await clock.advance(1);
    expect(tracker.admit('primary')).toBe(true);
    expect(entry().coolDownUntil).toBeNull();
    await send(times(50, { kind: 'rate-limited', latencyMs: 10, status: 429, retryAfterMs: 10 } as AttemptOutcome));
    expect(entry().state).toBe('healthy');
    expect(changes).toEqual([]);
  });

  it('caps a retry-after at maxCoolDownMs', async () => {
    const { clock, send, entry } = setup();
    await send([{ kind: 'rate-limited', latencyMs: 10, status: 429, retryAfterMs: 3_600_000 }]);
    expect(entry().coolDownUntil).toBe(clock.now() + 60_000);
  });

  it('cools down briefly after three 429s in a row without retry-after', async () => {
    const { clock, tracker, send, entry } = setup();
    const limited: AttemptOutcome = { kind: 'rate-limited', latencyMs: 10, status: 429 };
    await send([limited, limited, ok(), limited, limited]);
    expect(tracker.admit('primary')).toBe(true); // a success in between restarts the count
    await send([limited]);
    expect(entry().coolDownUntil).toBe(clock.now() + 2_000);
    expect(tracker.admit('primary')).toBe(false);
    await clock.advance(2_000);
    expect(tracker.admit('primary')).toBe(true);
  });

  it('isolate keeps a deployment out whatever happens, until release', async () => {
    const { clock, tracker, changes, send, entry } = setup();
    tracker.isolate('primary', 'maintenance');
    expect(entry()).toMatchObject({ state: 'isolated', reason: 'maintenance' });
    expect(tracker.admit('primary')).toBe(false);
    await send(times(30, ok()));
    await send(times(30, down));
    await clock.advance(600_000);
    expect(entry().state).toBe('isolated');
    expect(tracker.order(['primary'])).toEqual([]); // not even in panic
    expect(tracker.release('primary')).toBe(true);
    expect(entry()).toMatchObject({ state: 'healthy', reason: 'released by an operator', requests: 0 });
    expect(tracker.admit('primary')).toBe(true);
    expect(tracker.release('primary')).toBe(false);
    expect(changes.map((change) => `${change.from}→${change.to}`)).toEqual(['healthy→isolated', 'isolated→healthy']);
    expect(() => tracker.isolate('nobody')).toThrow(RangeError);
  });

  it('isolating an ejected deployment and releasing it brings it straight back', async () => {
    const { tracker, send, entry } = setup();
    await send([...times(20, ok()), ...times(5, down)]);
    tracker.isolate('primary');
    expect(entry()).toMatchObject({ state: 'isolated', ejectedUntil: null });
    tracker.release('primary');
    expect(tracker.admit('primary')).toBe(true);
  });

  it('never ejects or degrades for client errors and local errors', async () => {
    const { tracker, changes, send, entry } = setup();
    const notTheUpstream: AttemptOutcome[] = [
      { kind: 'invalid-request', latencyMs: 5, status: 400 },
      { kind: 'client-aborted', latencyMs: 5 },
      { kind: 'local', latencyMs: 5 },
      { kind: 'content-filter', latencyMs: 5, status: 400 },
      { kind: 'context-length', latencyMs: 5, status: 400 },
    ];
    for (let round = 0; round < 40; round += 1) await send(notTheUpstream, 'primary', 10);
    expect(entry()).toMatchObject({ state: 'healthy', consecutiveFailures: 0, requests: 0, attempts: 200 });
    expect(tracker.admit('primary')).toBe(true);
    expect(changes).toEqual([]);
  });

  it('a success resets the run of consecutive failures', async () => {
    const { send, entry } = setup();
    await send(times(100, ok()));
    for (let round = 0; round < 3; round += 1) await send([...times(4, down), ok()]);
    expect(entry()).toMatchObject({ state: 'degraded', consecutiveFailures: 0 });
  });

  it('counts auth and not-found failures of the upstream against it', async () => {
    const { send, entry } = setup();
    await send(times(20, ok()));
    await send(times(5, { kind: 'auth', latencyMs: 10, status: 401 } as AttemptOutcome));
    expect(entry()).toMatchObject({ state: 'ejected', reason: '5 consecutive failures; last: auth (401)' });
  });

  it('ejects on the failure rate even without a long run', async () => {
    const { send, entry } = setup();
    const pattern = [down, down, down, ok()]; // 75% failures, never more than 3 in a row
    for (let round = 0; round < 10; round += 1) await send(pattern);
    // The 40th request is a success, and it is the one that completes the minimum.
    expect(entry()).toMatchObject({ state: 'ejected', reason: 'failure rate 75% over 40 requests' });
  });

  it('tracks deployments it was not configured with, using the defaults', () => {
    const { tracker } = setup();
    expect(tracker.has('surprise')).toBe(false);
    expect(tracker.admit('surprise')).toBe(true);
    expect(tracker.has('surprise')).toBe(true);
    expect(tracker.settingsOf('surprise').consecutiveFailures).toBe(5);
  });

  it('keeps working when a listener throws, and reports the error', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const tracker = new HealthTracker({
      deployments: [{ id: 'a', domains: [] }],
      clock,
      onListenerError: (error) => errors.push(error),
    });
    const seen: string[] = [];
    tracker.onStateChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = tracker.onStateChange((change) => seen.push(change.to));
    tracker.isolate('a');
    unsubscribe();
    tracker.release('a');
    expect(seen).toEqual(['isolated']);
    expect(errors).toHaveLength(2);
  });

  it('refuses a deployment listed twice', () => {
    expect(
      () =>
        new HealthTracker({
          deployments: [
            { id: 'a', domains: [] },
            { id: 'a', domains: [] },
          ],
          clock: new ManualClock(),
        }),
    ).toThrow(/listed twice/);
  });
});

describe('HealthTracker latency and time-to-first-token degradation', () => {
  it('degrades on latency p95 over the deployment threshold, and recovers', async () => {
    const { clock, send, entry } = setup({ latencyP95ThresholdMs: 2_000 });
    await send(times(20, ok(800)));
    expect(entry()).toMatchObject({ state: 'healthy', latencyP50Ms: expect.any(Number) });
    await send(times(10, ok(6_000)));
    expect(entry()).toMatchObject({ state: 'degraded' });
    expect(entry().reason).toMatch(/^latency p95 \d+ ms over 2000 ms$/);
    expect(entry().latencyP95Ms!).toBeGreaterThan(5_000);
    await clock.advance(10_000);
    await send(times(20, ok(800)));
    expect(entry().state).toBe('healthy');
  });

  it('degrades on time-to-first-token p95 over the threshold', async () => {
    const { send, entry } = setup({ timeToFirstTokenP95ThresholdMs: 1_500 });
    await send(times(20, ok(3_000, 400)));
    expect(entry().state).toBe('healthy');
    await send(times(5, ok(9_000, 5_000)));
    expect(entry().state).toBe('degraded');
    expect(entry().reason).toMatch(/^time to first token p95 \d+ ms over 1500 ms$/);
    expect(entry().timeToFirstTokenP95Ms!).toBeGreaterThan(4_500);
  });

  it('ignores latency unless a threshold is configured', async () => {
    const { send, entry } = setup();
    await send(times(30, ok(60_000, 30_000)));
    expect(entry().state).toBe('healthy');
  });

  it('needs the minimum number of samples before judging latency', async () => {
    const { send, entry } = setup({ latencyP95ThresholdMs: 1_000 });
    await send(times(9, ok(5_000)));
    expect(entry().state).toBe('healthy');
    await send([ok(5_000)]);
    expect(entry().state).toBe('degraded');
  });
});
