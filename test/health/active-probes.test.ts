// Active probes on a manual clock: due probes go out for probing deployments only, a successful
// probe readmits, a failed or timed-out one re-ejects with a longer ejection.
import { describe, expect, it } from 'vitest';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { ActiveProber } from '../../src/health/active-probes.js';
import type { AttemptOutcome } from '../../src/canonical/attempt.js';
import { ManualClock, flushMicrotasks } from '../support/manual-clock.js';

function ejected(clock: ManualClock) {
  const tracker = new HealthTracker({
    deployments: [
      { id: 'a', domains: [] },
      { id: 'b', domains: [] },
    ],
    clock,
  });
  for (let index = 0; index < 40; index += 1) {
    tracker.record('a', { kind: 'success', latencyMs: 10 });
    tracker.record('b', { kind: 'success', latencyMs: 10 });
  }
  for (let index = 0; index < 10; index += 1) tracker.record('a', { kind: 'server', latencyMs: 10, status: 500 });
  return tracker;
}

const stateOf = (tracker: HealthTracker, id: string) =>
  tracker.snapshot().deployments.find((deployment) => deployment.id === id)!;

describe('active probes', () => {
  it('probes only deployments whose ejection is over, and a success readmits', async () => {
    const clock = new ManualClock();
    const tracker = ejected(clock);
    const probed: string[] = [];
    const prober = new ActiveProber({
      tracker,
      clock,
      probe: async (id): Promise<AttemptOutcome> => {
        probed.push(id);
        return { kind: 'success', latencyMs: 3 };
      },
    });
    expect(stateOf(tracker, 'a').state).toBe('ejected');
    await prober.tick();
    expect(probed).toEqual([]);
    await clock.advance(stateOf(tracker, 'a').ejectedUntil! - clock.now());
    await prober.tick();
    expect(probed).toEqual(['a']);
    expect(stateOf(tracker, 'a').state).toBe('healthy');
  });

  it('re-ejects with a longer ejection when the probe fails or times out', async () => {
    const clock = new ManualClock();
    const tracker = ejected(clock);
    const firstUntil = stateOf(tracker, 'a').ejectedUntil!;
    const firstLength = firstUntil - clock.now();
    const prober = new ActiveProber({
      tracker,
      clock,
      timeoutMs: 2_000,
      probe: (_id, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    await clock.advance(firstUntil - clock.now());
    const pending = prober.tick();
    await flushMicrotasks();
    await clock.advance(2_000);
    await pending;
    const after = stateOf(tracker, 'a');
    expect(after.state).toBe('ejected');
    expect(after.ejectedUntil! - clock.now()).toBeGreaterThan(firstLength);
  });

  it('runs on its interval until stopped, and skips disabled deployments', async () => {
    const clock = new ManualClock();
    const tracker = ejected(clock);
    let calls = 0;
    const prober = new ActiveProber({
      tracker,
      clock,
      intervalMs: 1_000,
      enabled: () => false,
      probe: async () => ((calls += 1), { kind: 'success', latencyMs: 1 }),
    });
    prober.start();
    await clock.advance(60_000);
    prober.stop();
    expect(calls).toBe(0);
    const enabled = new ActiveProber({
      tracker,
      clock,
      intervalMs: 1_000,
      probe: async () => ((calls += 1), { kind: 'success', latencyMs: 1 }),
    });
    enabled.start();
    await clock.advance(3_000);
    enabled.stop();
    expect(calls).toBe(1);
    expect(stateOf(tracker, 'a').state).toBe('healthy');
  });
});

describe('runs versus interleaved failures', () => {
  it('does not eject on failures interleaved with attempts that started during the run and did not fail', async () => {
    const clock = new ManualClock();
    const tracker = new HealthTracker({ deployments: [{ id: 'a', domains: [] }], clock });
    for (let index = 0; index < 40; index += 1) {
      tracker.admit('a');
      tracker.record('a', { kind: 'success', latencyMs: 5 });
      await clock.advance(50);
    }
    // 30% errors with fast failures and slow successes: failures come back before the successes
    // that started between them, so by arrival they look like a run of 5.
    for (let index = 0; index < 15; index += 1) {
      tracker.admit('a');
      await clock.advance(10);
      // One attempt in three fails at once; the other two are slow successes still in flight.
      if (index % 3 === 0) tracker.record('a', { kind: 'server', latencyMs: 10, status: 500 });
      await clock.advance(30);
    }
    expect(stateOf(tracker, 'a').consecutiveFailures).toBe(5);
    expect(stateOf(tracker, 'a').state).not.toBe('ejected');
  });

  it('ejects a hard-down deployment whose every new attempt fails', async () => {
    const clock = new ManualClock();
    const tracker = new HealthTracker({ deployments: [{ id: 'a', domains: [] }], clock });
    for (let index = 0; index < 40; index += 1) {
      tracker.admit('a');
      tracker.record('a', { kind: 'success', latencyMs: 5 });
      await clock.advance(50);
    }
    for (let index = 0; index < 5; index += 1) {
      tracker.admit('a');
      await clock.advance(10);
      tracker.record('a', { kind: 'server', latencyMs: 10, status: 500 });
      await clock.advance(30);
    }
    expect(stateOf(tracker, 'a').state).toBe('ejected');
  });
});
