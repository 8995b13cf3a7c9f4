// Breaker invariants under random outcome sequences, clock advances, admits, orders and operator
// actions (fast-check). Each command is followed by a check of every invariant.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { OutcomeKind } from '../canonical/errors.js';
import { deploymentStates, type StateChange } from './deployment-state.js';
import type { DeploymentHealthSnapshot } from './health-snapshot.js';
import { HealthTracker } from './health-tracker.js';

const ids = ['alpha', 'beta', 'gamma'] as const;
const probeTrials: Record<string, number> = { alpha: 1, beta: 2, gamma: 1 };
const maxEjectionMs = 30_000;

type Command =
  | {
      type: 'record';
      deployment: number;
      kind: OutcomeKind;
      latencyMs: number;
      retryAfterMs: number | undefined;
      repeat: number;
      gapMs: number;
    }
  | { type: 'advance'; ms: number }
  | { type: 'admit'; deployment: number }
  | { type: 'order'; deployments: number[] }
  | { type: 'isolate'; deployment: number }
  | { type: 'release'; deployment: number };

const deploymentIndex = fc.integer({ min: 0, max: ids.length - 1 });
const failureHeavyKind = fc.constantFrom<OutcomeKind>(
  'success',
  'success',
  'success',
  'server',
  'server',
  'overloaded',
  'timeout',
  'connect',
  'auth',
  'rate-limited',
  'invalid-request',
  'client-aborted',
  'local',
  'content-filter',
);

function commandArbitrary(
  kinds: fc.Arbitrary<OutcomeKind>,
  withOperator: boolean,
  withOrder: boolean,
): fc.Arbitrary<Command> {
  const options: Array<fc.WeightedArbitrary<Command>> = [
    {
      weight: 10,
      arbitrary: fc.record({
        type: fc.constant('record' as const),
        deployment: deploymentIndex,
        kind: kinds,
        latencyMs: fc.integer({ min: 1, max: 30_000 }),
        retryAfterMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
        // Bursts of one outcome are what drive a breaker: random single outcomes almost never eject.
        repeat: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 25 })),
        gapMs: fc.integer({ min: 0, max: 100 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('advance' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 70_000 })),
      }),
    },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('admit' as const), deployment: deploymentIndex }) },
  ];
  if (withOrder) {
    options.push({
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('order' as const),
        deployments: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }),
      }),
    });
  }
  if (withOperator) {
    options.push({
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('isolate' as const), deployment: deploymentIndex }),
    });
    options.push({
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('release' as const), deployment: deploymentIndex }),
    });
  }
  return fc.oneof(...options);
}

function setup() {
  const clock = new ManualClock();
  const tracker = new HealthTracker({
    deployments: [
      { id: 'alpha', domains: ['shared'], settings: { probeTrials: 1 } },
      { id: 'beta', domains: ['shared'], settings: { probeTrials: 2, latencyP95ThresholdMs: 10_000 } },
      { id: 'gamma', domains: ['own'] },
    ],
    clock,
    defaults: { maxEjectionMs, baseEjectionMs: 4_000, ejectionDecayMs: 20_000 },
  });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  return { clock, tracker, changes };
}

function isExcluded(entry: DeploymentHealthSnapshot): boolean {
  return (
    entry.state === 'isolated' ||
    entry.state === 'ejected' ||
    entry.coolDownUntil !== null ||
    (entry.state === 'probing' && entry.probesInFlight >= probeTrials[entry.id]!)
  );
}

/** Runs the commands, checking every invariant after each one. */
async function runAndCheck(commands: Command[]): Promise<{ changes: StateChange[] }> {
  const { clock, tracker, changes } = setup();
  const isolated = new Set<string>();
  const panicPass = new Map<string, number>(); // id → when order() granted it
  const byId = () => new Map(tracker.snapshot().deployments.map((entry) => [entry.id, entry]));

  for (const command of commands) {
    const before = byId();
    switch (command.type) {
      case 'record':
        for (let index = 0; index < command.repeat; index += 1) {
          if (index > 0) await clock.advance(command.gapMs);
          tracker.record(ids[command.deployment]!, {
            kind: command.kind,
            latencyMs: command.latencyMs,
            timeToFirstTokenMs: Math.floor(command.latencyMs / 3),
            retryAfterMs: command.kind === 'rate-limited' ? command.retryAfterMs : undefined,
          });
        }
        break;
      case 'advance':
        await clock.advance(command.ms);
        break;
      case 'admit': {
        const id = ids[command.deployment]!;
        const entry = before.get(id)!;
        const granted = panicPass.get(id);
        panicPass.delete(id);
        const admitted = tracker.admit(id);
        if (entry.state === 'isolated') expect(admitted).toBe(false);
        const passValid = granted !== undefined && clock.now() - granted <= 1_000;
        if (admitted && !passValid) {
          // Outside panic, an ejected or cooling-down deployment is never admitted before its time.
          expect(entry.state).not.toBe('ejected');
          expect(entry.coolDownUntil).toBeNull();
          if (entry.state === 'probing') expect(entry.probesInFlight).toBeLessThan(probeTrials[id]!);
        }
        break;
      }
      case 'order': {
        const candidates = command.deployments.map((index) => ids[index]!);
        const ordered = tracker.order(candidates);
        expect(new Set(ordered).size).toBe(ordered.length);
        for (const id of ordered) {
          expect(candidates).toContain(id);
          expect(before.get(id)!.state).not.toBe('isolated');
        }
        if (candidates.some((id) => before.get(id)!.state !== 'isolated')) expect(ordered.length).toBeGreaterThan(0);
        if (candidates.every((id) => isExcluded(before.get(id)!)) && ordered.length > 0) {
          expect(ordered).toHaveLength(1);
          panicPass.set(ordered[0]!, clock.now());
        }
        break;
      }
      case 'isolate':
        tracker.isolate(ids[command.deployment]!);
        isolated.add(ids[command.deployment]!);
        break;
      case 'release':
        tracker.release(ids[command.deployment]!);
        isolated.delete(ids[command.deployment]!);
        break;
    }

    const after = byId();
    for (const id of ids) {
      const entry = after.get(id)!;
      expect(deploymentStates).toContain(entry.state);
      // Isolated exactly when the operator said so: nothing else enters or leaves it.
      expect(entry.state === 'isolated').toBe(isolated.has(id));
      expect(entry.probesInFlight).toBeLessThanOrEqual(probeTrials[id]!);
      if (entry.state === 'ejected') {
        expect(entry.ejectedUntil).not.toBeNull();
        expect(entry.ejectedUntil!).toBeGreaterThan(clock.now());
        expect(entry.ejectedUntil! - entry.since).toBeLessThanOrEqual(maxEjectionMs);
      } else {
        expect(entry.ejectedUntil).toBeNull();
      }
      if (entry.coolDownUntil !== null) expect(entry.coolDownUntil).toBeGreaterThan(clock.now());
    }
  }

  // The events tell one consistent story per deployment, ending in the state the snapshot shows.
  const final = byId();
  for (const id of ids) {
    let state = 'healthy';
    for (const change of changes.filter((entry) => entry.kind === 'deployment' && entry.id === id)) {
      expect(change.from).toBe(state);
      expect(change.to).not.toBe(change.from);
      expect(change.origin).toBe('local');
      if (change.to === 'ejected') expect(change.ejectedUntil! - change.at).toBeLessThanOrEqual(maxEjectionMs);
      state = change.to;
    }
    expect(final.get(id)!.state).toBe(state);
  }
  for (const change of changes.filter((entry) => entry.kind === 'domain')) {
    expect(change.from).not.toBe(change.to);
    expect(['healthy', 'degraded']).toContain(change.to);
  }
  return { changes };
}

describe('HealthTracker breaker invariants (property)', () => {
  it('hold under random outcomes, time, admits and operator actions (no panic orders)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary(failureHeavyKind, true, false), { minLength: 10, maxLength: 150, size: 'large' }),
        async (commands) => {
          await runAndCheck(commands);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hold with candidate ordering and its panic fallback mixed in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary(failureHeavyKind, true, true), { minLength: 10, maxLength: 150, size: 'large' }),
        async (commands) => {
          await runAndCheck(commands);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the generated sequences reach every transition of the lifecycle (so the properties above mean something)', async () => {
    const sequences = fc.sample(
      fc.array(commandArbitrary(failureHeavyKind, true, true), { minLength: 10, maxLength: 150, size: 'large' }),
      {
        numRuns: 40,
        seed: 20_240_601,
      },
    );
    const seen = new Set<string>();
    for (const commands of sequences) {
      const { changes } = await runAndCheck(commands);
      for (const change of changes) seen.add(`${change.from}→${change.to}`);
    }
    const lifecycle = [
      'healthy→degraded',
      'degraded→healthy',
      'healthy→ejected',
      'degraded→ejected',
      'ejected→probing',
      'probing→healthy',
      'probing→ejected',
      'healthy→isolated',
      'isolated→healthy',
    ];
    for (const transition of lifecycle) expect(seen, transition).toContain(transition);
  });

  it('never ejects or degrades a deployment that only sees successes and non-upstream outcomes', async () => {
    const harmless = fc.constantFrom<OutcomeKind>(
      'success',
      'invalid-request',
      'client-aborted',
      'local',
      'content-filter',
      'context-length',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary(harmless, false, true), { minLength: 10, maxLength: 150, size: 'large' }),
        async (commands) => {
          // Latency stays under beta's 10 s threshold here so that only failures could degrade it.
          const fast = commands.map((command) =>
            command.type === 'record' ? { ...command, latencyMs: command.latencyMs % 9_000 } : command,
          );
          const { changes } = await runAndCheck(fast);
          expect(changes).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('ends every ejection in probing, and a probing deployment admits a trial', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary(failureHeavyKind, false, false), { maxLength: 80 }),
        async (commands) => {
          const { clock, tracker } = setup();
          for (const command of commands) {
            if (command.type === 'record') {
              for (let index = 0; index < command.repeat; index += 1)
                tracker.record(ids[command.deployment]!, { kind: command.kind, latencyMs: command.latencyMs });
            } else if (command.type === 'advance') await clock.advance(command.ms);
            else if (command.type === 'admit') tracker.admit(ids[command.deployment]!);
          }
          await clock.advance(maxEjectionMs + 30_000); // past any ejection, cool-down and trial timeout
          for (const entry of tracker.snapshot().deployments) {
            expect(['healthy', 'degraded', 'probing']).toContain(entry.state);
            if (entry.state !== 'probing') continue;
            expect(tracker.admit(entry.id)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
