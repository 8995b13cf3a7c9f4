// The strategies a deployment is judged by unless the tracker is given others: an adaptive run of
// consecutive failures (fast for a deployment that usually works, patient with a noisy one) and the
// failure rate over the window, and a short run of hard failures when traffic is too thin to judge.
import { AdaptiveConsecutiveFailuresStrategy } from './adaptive-consecutive-failures-strategy.js';
import type { BreakerStrategy } from './breaker-strategy.js';
import { FailureRateStrategy } from './failure-rate-strategy.js';
import { HardFailureRunStrategy } from './hard-failure-run-strategy.js';
import type { HealthSettings } from './health-settings.js';

export function defaultBreakerStrategies(settings: HealthSettings): BreakerStrategy[] {
  return [
    new AdaptiveConsecutiveFailuresStrategy(
      settings.consecutiveFailures,
      settings.maximumConsecutiveFailures,
      settings.consecutiveFailureSurprise,
    ),
    new FailureRateStrategy(settings.ejectionFailureRate, settings.ejectionMinimumRequests),
    new HardFailureRunStrategy(settings.hardFailureRun, 1_000, settings.maximumConsecutiveFailures),
  ];
}
