// Every breaker strategy runs the shared conformance suite, with its default and a few other settings.
import { AdaptiveConsecutiveFailuresStrategy } from '../../src/health/adaptive-consecutive-failures-strategy.js';
import { ConsecutiveFailuresStrategy } from '../../src/health/consecutive-failures-strategy.js';
import { FailureRateStrategy } from '../../src/health/failure-rate-strategy.js';
import { HardFailureRunStrategy } from '../../src/health/hard-failure-run-strategy.js';
import { runBreakerStrategyConformance } from './breaker-strategy.case.js';

runBreakerStrategyConformance('ConsecutiveFailuresStrategy(5)', () => new ConsecutiveFailuresStrategy(5));
runBreakerStrategyConformance('ConsecutiveFailuresStrategy(1)', () => new ConsecutiveFailuresStrategy(1));
runBreakerStrategyConformance('FailureRateStrategy(0.5, 40)', () => new FailureRateStrategy(0.5, 40));
runBreakerStrategyConformance('FailureRateStrategy(1, 10)', () => new FailureRateStrategy(1, 10));
runBreakerStrategyConformance('AdaptiveConsecutiveFailuresStrategy()', () => new AdaptiveConsecutiveFailuresStrategy());
runBreakerStrategyConformance(
  'AdaptiveConsecutiveFailuresStrategy(3, 8, 1e-3)',
  () => new AdaptiveConsecutiveFailuresStrategy(3, 8, 1e-3),
);
runBreakerStrategyConformance('HardFailureRunStrategy()', () => new HardFailureRunStrategy());
runBreakerStrategyConformance('HardFailureRunStrategy(1, 0, 5)', () => new HardFailureRunStrategy(1, 0, 5));
