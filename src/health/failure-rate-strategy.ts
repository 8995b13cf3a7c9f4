// Ejects when the failure rate over the window reaches a threshold, once the window holds enough
// requests for the rate to mean something (cockatiel's SamplingBreaker, Envoy's failure_percentage).
import { formatPercent, type BreakerStrategy, type BreakerView } from './breaker-strategy.js';

export class FailureRateStrategy implements BreakerStrategy {
  constructor(
    readonly threshold: number,
    readonly minimumRequests: number,
  ) {
    if (!(threshold > 0 && threshold <= 1))
      throw new RangeError(`failure rate threshold must be in (0, 1], got ${threshold}`);
    if (!(minimumRequests >= 1)) throw new RangeError(`minimum requests must be at least 1, got ${minimumRequests}`);
  }

  shouldEject(view: BreakerView): string | undefined {
    if (view.requests < this.minimumRequests || view.failures === 0) return undefined;
    if (view.failureRate < this.threshold) return undefined;
    return `failure rate ${formatPercent(view.failureRate)} over ${view.requests} requests`;
  }
}
