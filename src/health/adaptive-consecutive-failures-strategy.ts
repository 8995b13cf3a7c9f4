// Ejects after a run of upstream-origin failures that is too long to be the deployment's ordinary bad
// luck. A deployment that usually succeeds is ejected after `minimum` failures in a row (5 by default:
// at 20 req/s that is a quarter of a second). A deployment that usually fails a share p of calls
// needs a run of length k with p^k below `surprise` (one in a million by default), so at 30% errors
// it takes 12 in a row, which chance produces about once in 37 hours of 20 req/s traffic, where a
// fixed threshold of 5 would eject it about twice a minute. Capped at `maximum`; beyond that
// failure rate the FailureRateStrategy is the one that ejects.
import { formatPercent, runIsInterleaved, type BreakerStrategy, type BreakerView } from './breaker-strategy.js';

/** Pseudo-counts added to the window's figures so an empty or tiny window reads as "unknown", not "perfect". */
const priorFailures = 0.5;
const priorRequests = 2;

export class AdaptiveConsecutiveFailuresStrategy implements BreakerStrategy {
  constructor(
    readonly minimum = 5,
    readonly maximum = 20,
    readonly surprise = 1e-6,
  ) {
    if (!(Number.isInteger(minimum) && minimum >= 1))
      throw new RangeError(`minimum must be a positive integer, got ${minimum}`);
    if (!(Number.isInteger(maximum) && maximum >= minimum)) {
      throw new RangeError(`maximum must be an integer >= minimum, got ${maximum}`);
    }
    if (!(surprise > 0 && surprise <= 1)) throw new RangeError(`surprise must be in (0, 1], got ${surprise}`);
  }

  shouldEject(view: BreakerView): string | undefined {
    if (runIsInterleaved(view)) return undefined;
    const run = view.consecutiveFailures;
    if (run < this.minimum) return undefined;
    const usualRate = this.usualFailureRate(view);
    const required = this.requiredRun(usualRate);
    if (run < required) return undefined;
    if (required === this.minimum) return `${run} consecutive failures`;
    return `${run} consecutive failures (at a usual failure rate of ${formatPercent(usualRate)}, ${required} were needed)`;
  }

  ejectingRun(view: BreakerView): number {
    return this.requiredRun(this.usualFailureRate(view));
  }

  /** The failure rate the deployment showed before the current run: the higher of the window's and the recent one. */
  usualFailureRate(view: BreakerView): number {
    // The run's own failures are (mostly) in the window; they must not raise the bar they are judged by.
    const runInWindow = Math.min(view.consecutiveFailures, view.failures);
    const windowRate = (view.failures - runInWindow + priorFailures) / (view.requests - runInWindow + priorRequests);
    return Math.max(windowRate, view.failureRateBeforeRun);
  }

  requiredRun(usualRate: number): number {
    if (usualRate <= 0) return this.minimum;
    if (usualRate >= 1) return this.maximum;
    const needed = Math.ceil(Math.log(this.surprise) / Math.log(usualRate));
    return Math.min(this.maximum, Math.max(this.minimum, needed));
  }
}
