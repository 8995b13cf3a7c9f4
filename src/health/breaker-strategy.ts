// The tiny interface every breaker strategy implements (after cockatiel's breakers): given what the
// window saw and the current run of failures, say whether to eject and why. Strategies are pure and
// stateless, so one conformance suite (test/conformance/breaker-strategy.case.ts) checks them all.
import type { WindowView } from './outcome-window.js';

export interface BreakerView extends WindowView {
  /** Upstream-origin failures since the last success. */
  consecutiveFailures: number;
  /** The trailing hard failures of that run (connection refused, 503, 529), when known. */
  consecutiveHardFailures?: number;
  /** Time from the first to the last of those hard failures. */
  hardRunSpanMs?: number;
  /** Recent failure rate before the current run began (see failure-run.ts). */
  failureRateBeforeRun: number;
  /** Attempts admitted since the run began, when known (see failure-run.ts). */
  attemptsSinceRunStart?: number;
}

/**
 * True when the run's failures are interleaved with attempts that started during the run and have
 * not failed (still in flight, or slow successes): then it is not a run of its own. A hard-down
 * deployment fails every new attempt, so its failures keep up with its admits.
 */
export function runIsInterleaved(view: BreakerView): boolean {
  const admitted = view.attemptsSinceRunStart;
  return admitted !== undefined && admitted > 0 && view.consecutiveFailures < 0.8 * admitted;
}

export interface BreakerStrategy {
  /** The reason to eject, or undefined to keep the deployment. Same view, same answer. */
  shouldEject(view: BreakerView): string | undefined;
  /**
   * Strategies that judge runs of failures: how long a run ejects given the rest of the view (what
   * bounds the attempts replicas sharing health send into an open run). Undefined: never by a run.
   */
  ejectingRun?(view: BreakerView): number | undefined;
}

export function formatPercent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
