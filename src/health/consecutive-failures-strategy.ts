// Ejects after a fixed number of upstream-origin failures in a row (Envoy's consecutive_5xx).
import { runIsInterleaved, type BreakerStrategy, type BreakerView } from './breaker-strategy.js';

export class ConsecutiveFailuresStrategy implements BreakerStrategy {
  constructor(readonly threshold: number) {
    if (!(Number.isInteger(threshold) && threshold >= 1)) {
      throw new RangeError(`consecutive failure threshold must be a positive integer, got ${threshold}`);
    }
  }

  shouldEject(view: BreakerView): string | undefined {
    if (runIsInterleaved(view)) return undefined;
    if (view.consecutiveFailures < this.threshold) return undefined;
    return `${view.consecutiveFailures} consecutive failures`;
  }
}
