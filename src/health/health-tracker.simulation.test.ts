// Simulated traffic through the tracker on a ManualClock: 20 req/s (one attempt every 50 ms), each
// attempt sent only if admit() allows it. Checks the tuning targets: a hard-down deployment is
// ejected within 2 s, and 30% random errors give `degraded` without ejected ↔ healthy flapping.
// Set HEALTH_SIMULATION_REPORT=1 to print the figures.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { seededRandom, type Random } from '../util/random.js';
import type { DeploymentState, StateChange } from './deployment-state.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { HealthTracker } from './health-tracker.js';

const periodMs = 50;
const ok: AttemptOutcome = { kind: 'success', latencyMs: 300, timeToFirstTokenMs: 120 };
const unavailable: AttemptOutcome = { kind: 'server', latencyMs: 15, status: 503 };

interface Phase {
  durationMs: number;
  /** The outcome of an attempt sent at this moment. */
  outcome: (random: Random) => AttemptOutcome;
}

interface SimulationResult {
  changes: StateChange[];
  /** Attempts sent per phase. */
  sent: number[];
  /** Time spent in each state, per phase. */
  timeInState: Array<Partial<Record<DeploymentState, number>>>;
  phaseStarts: number[];
}

async function simulate(phases: Phase[], seed = 1): Promise<SimulationResult> {
  const clock = new ManualClock();
  const random = seededRandom(seed);
  const tracker = new HealthTracker({ deployments: [{ id: 'primary', domains: [] }], clock });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  const result: SimulationResult = { changes, sent: [], timeInState: [], phaseStarts: [] };
  for (const phase of phases) {
    result.phaseStarts.push(clock.now());
    let sent = 0;
    const timeInState: Partial<Record<DeploymentState, number>> = {};
    for (let elapsed = 0; elapsed < phase.durationMs; elapsed += periodMs) {
      if (tracker.admit('primary')) {
        tracker.record('primary', phase.outcome(random));
        sent += 1;
      }
      await clock.advance(periodMs);
      const state = tracker.snapshot().deployments[0]!.state;
      timeInState[state] = (timeInState[state] ?? 0) + periodMs;
    }
    result.sent.push(sent);
    result.timeInState.push(timeInState);
  }
  return result;
}

const always = (outcome: AttemptOutcome) => () => outcome;
const errorRate = (rate: number) => (random: Random) => (random.next() < rate ? unavailable : ok);
const transitions = (changes: StateChange[], from: string[], to: string) =>
  changes.filter((change) => from.includes(change.from) && change.to === to).length;

function report(label: string, figures: Record<string, unknown>): void {
  if (process.env.HEALTH_SIMULATION_REPORT) console.log(label, JSON.stringify(figures));
}

describe('HealthTracker simulation at 20 req/s', () => {
  it('ejects a hard-down deployment within 2 s of the fault, after healthy traffic', async () => {
    const result = await simulate([
      { durationMs: 10_000, outcome: always(ok) },
      { durationMs: 60_000, outcome: always(unavailable) },
    ]);
    const faultAt = result.phaseStarts[1]!;
    const ejection = result.changes.find((change) => change.to === 'ejected')!;
    const timeToEjection = ejection.at - faultAt;
    // Every attempt after the first ejection is a trial request of a probing phase.
    const trials = transitions(result.changes, ['ejected'], 'probing');
    report('hard down after healthy traffic', {
      timeToEjectionMs: timeToEjection,
      attemptsBeforeEjection: result.sent[1]! - trials,
      attemptsToDeadDeploymentIn60s: result.sent[1],
      ejections: transitions(result.changes, ['healthy', 'degraded', 'probing'], 'ejected'),
      ejectionEnds: result.changes
        .filter((change) => change.to === 'ejected')
        .map((change) => change.ejectedUntil! - change.at),
    });
    expect(timeToEjection).toBeLessThanOrEqual(2_000);
    expect(result.sent[1]! - trials).toBeLessThanOrEqual(5);
    expect(transitions(result.changes, ['probing'], 'healthy')).toBe(0);
    expect(result.timeInState[1]!.ejected!).toBeGreaterThan(50_000);
  });

  it('ejects a hard-down deployment within 2 s with no history at all', async () => {
    const result = await simulate([{ durationMs: 5_000, outcome: always(unavailable) }]);
    const ejection = result.changes.find((change) => change.to === 'ejected')!;
    report('hard down from a cold start', {
      timeToEjectionMs: ejection.at - result.phaseStarts[0]!,
      reason: ejection.reason,
    });
    expect(ejection.at - result.phaseStarts[0]!).toBeLessThanOrEqual(2_000);
  });

  it('readmits a deployment shortly after it heals', async () => {
    const result = await simulate([
      { durationMs: 10_000, outcome: always(ok) },
      { durationMs: 20_000, outcome: always(unavailable) },
      { durationMs: 60_000, outcome: always(ok) },
    ]);
    const healAt = result.phaseStarts[2]!;
    const readmission = result.changes.find(
      (change) => change.to === 'healthy' && change.from === 'probing' && change.at >= healAt,
    )!;
    report('heal after 20 s down', { timeFromHealToReadmissionMs: readmission.at - healAt });
    // Ejection time is at most 4 × 5 s after 20 s down; the first trial after the heal readmits.
    expect(readmission.at - healAt).toBeLessThanOrEqual(20_000);
    expect(result.changes.at(-1)!.to).toBe('healthy');
  });

  it('marks 30% random errors degraded and does not flap between ejected and healthy', async () => {
    const result = await simulate([{ durationMs: 60_000, outcome: errorRate(0.3) }], 7);
    const ejections = transitions(result.changes, ['healthy', 'degraded', 'probing'], 'ejected');
    const readmissions = transitions(result.changes, ['probing'], 'healthy');
    const time = result.timeInState[0]!;
    report('30% errors, 60 s, seed 7', {
      attempts: result.sent[0],
      ejections,
      readmissions,
      degradedShare: (time.degraded ?? 0) / 60_000,
      transitions: result.changes.map((change) => `${change.from}→${change.to}`),
    });
    expect(ejections).toBe(0);
    expect(readmissions).toBe(0);
    expect((time.degraded ?? 0) / 60_000).toBeGreaterThan(0.9);
  });

  it('30% errors starting after healthy traffic: no flapping over 20 seeds', async () => {
    const perSeed: number[] = [];
    for (let seed = 1; seed <= 20; seed += 1) {
      const result = await simulate(
        [
          { durationMs: 10_000, outcome: always(ok) },
          { durationMs: 60_000, outcome: errorRate(0.3) },
        ],
        seed,
      );
      perSeed.push(transitions(result.changes, ['healthy', 'degraded'], 'ejected'));
    }
    report('30% errors after healthy traffic, 20 seeds', { ejectionsFromServicePerSeed: perSeed });
    // An ejection puts the deployment back through probing; flapping would be that happening again.
    expect(Math.max(...perSeed)).toBeLessThanOrEqual(1);
    expect(perSeed.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(2);
  });

  it('takes a deployment failing 70% of calls out of first place within 1.5 s and ejects it within 10 s', async () => {
    const result = await simulate([
      { durationMs: 10_000, outcome: always(ok) },
      { durationMs: 20_000, outcome: errorRate(0.7) },
    ]);
    const faultAt = result.phaseStarts[1]!;
    const degraded = result.changes.find(
      (change) => (change.to === 'degraded' || change.to === 'ejected') && change.at >= faultAt,
    )!;
    const ejection = result.changes.find((change) => change.to === 'ejected')!;
    report('70% errors after healthy traffic', {
      timeToDegradedMs: degraded.at - faultAt,
      timeToEjectionMs: ejection.at - faultAt,
      reason: ejection.reason,
    });
    // Slow successes that were already in flight when the failures began do not break the run, so at
    // 70% errors the run of new failures usually ejects at once; otherwise the deployment is degraded
    // (tried after healthy ones) until the failure rate outweighs the healthy past in the window.
    expect(degraded.at - faultAt).toBeLessThanOrEqual(1_500);
    expect(ejection.at - faultAt).toBeLessThanOrEqual(10_000);
  });
});
