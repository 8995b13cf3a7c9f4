// The tiny interface every breaker strategy implements (after cockatiel's breakers): given what the
// window saw and the current run of failures, say whether to eject and why. Strategies are pure and
// stateless, so one conformance suite (test/conformance/breaker-strategy.case.ts) checks them all.
import type { WindowView } from './outcome-window.js';

export interface BreakerView extends WindowView {
  /** Upstream-origin failures since the last success. */
  consecutiveFailures: number;
  /** Recent failure rate before the current run began (see failure-run.ts). */
  failureRateBeforeRun: number;
}

export interface BreakerStrategy {
  /** The reason to eject, or undefined to keep the deployment. Same view, same answer. */
  shouldEject(view: BreakerView): string | undefined;
}

export function formatPercent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
