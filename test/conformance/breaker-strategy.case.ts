// The conformance suite every breaker strategy runs (the Hono pattern: one suite, many
// implementations). Views are built the way the tracker builds them, from a real OutcomeWindow and
// FailureRun fed a sequence of outcomes, so a strategy is judged on views that can actually occur.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BreakerStrategy, BreakerView } from '../../src/health/breaker-strategy.js';
import { FailureRun } from '../../src/health/failure-run.js';
import { OutcomeWindow } from '../../src/health/outcome-window.js';
import type { AttemptOutcome } from '../../src/canonical/attempt.js';
import type { Clock } from '../../src/util/clock.js';

/** One attempt outcome in a scripted sequence, with the time that passes before it. */
export interface ScriptedOutcome {
  success: boolean;
  gapMs: number;
}

/** The view a deployment would present after this sequence (10 s window in 1 s buckets). */
export function breakerViewAfter(outcomes: readonly ScriptedOutcome[]): BreakerView {
  // A plain counter clock: building a view is synchronous and nothing here sleeps.
  let now = 1_700_000_000_000;
  const clock: Pick<Clock, 'now'> = { now: () => now };
  const window = new OutcomeWindow(clock, { windowMs: 10_000, bucketMs: 1_000 });
  const run = new FailureRun();
  for (const { success, gapMs } of outcomes) {
    now += gapMs;
    const outcome: AttemptOutcome = success
      ? { kind: 'success', latencyMs: 100 }
      : { kind: 'server', latencyMs: 20, status: 503 };
    window.record(outcome);
    if (success) run.recordSuccess();
    else run.recordFailure(undefined, true, now);
  }
  return {
    ...window.view(),
    consecutiveFailures: run.consecutiveFailures,
    consecutiveHardFailures: run.consecutiveHardFailures,
    hardRunSpanMs: run.hardRunSpanMs(),
    failureRateBeforeRun: run.failureRateBeforeRun,
  };
}

const outcomeArbitrary = fc.record({ success: fc.boolean(), gapMs: fc.integer({ min: 0, max: 400 }) });

export function runBreakerStrategyConformance(name: string, createStrategy: () => BreakerStrategy): void {
  describe(`breaker strategy conformance: ${name}`, () => {
    it('never ejects on an empty window', () => {
      expect(createStrategy().shouldEject(breakerViewAfter([]))).toBeUndefined();
    });

    it('never ejects when every outcome was a success', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 600 }), (gaps) => {
          const view = breakerViewAfter(gaps.map((gapMs) => ({ success: true, gapMs })));
          expect(createStrategy().shouldEject(view)).toBeUndefined();
        }),
      );
    });

    it('ejects on a long enough run of failures, whatever came before', () => {
      fc.assert(
        fc.property(fc.array(outcomeArbitrary, { maxLength: 200 }), (prefix) => {
          // 200 failures over 12 s: longer than the window, so only the run is left in it.
          const failures = Array.from({ length: 200 }, () => ({ success: false, gapMs: 60 }));
          const reason = createStrategy().shouldEject(breakerViewAfter([...prefix, ...failures]));
          expect(typeof reason).toBe('string');
          expect(reason!.length).toBeGreaterThan(0);
        }),
      );
    });

    it('gives the same answer for the same view, across calls and instances', () => {
      fc.assert(
        fc.property(fc.array(outcomeArbitrary, { maxLength: 300 }), (outcomes) => {
          const view = breakerViewAfter(outcomes);
          const strategy = createStrategy();
          const first = strategy.shouldEject(view);
          expect(strategy.shouldEject(view)).toBe(first);
          expect(createStrategy().shouldEject(breakerViewAfter(outcomes))).toBe(first);
        }),
      );
    });

    it('does not change the view it is given', () => {
      fc.assert(
        fc.property(fc.array(outcomeArbitrary, { maxLength: 100 }), (outcomes) => {
          const view = breakerViewAfter(outcomes);
          const before = JSON.stringify(view);
          createStrategy().shouldEject(view);
          expect(JSON.stringify(view)).toBe(before);
        }),
      );
    });
  });
}
