// Decides whether a deployment that is in service should be marked degraded (kept, but tried after
// healthy ones): its failure rate is elevated but below ejection, or its latency / TTFT p95 is over the
// deployment's threshold (latency thresholds are off unless configured).
import { formatPercent } from './breaker-strategy.js';
import type { HealthSettings } from './health-settings.js';
import type { WindowView } from './outcome-window.js';

export type DegradationSettings = Pick<
  HealthSettings,
  'degradedFailureRate' | 'degradedMinimumRequests' | 'latencyP95ThresholdMs' | 'timeToFirstTokenP95ThresholdMs'
>;

/** The reason the deployment is degraded, or undefined when it is not. */
export function degradationReason(view: WindowView, settings: DegradationSettings): string | undefined {
  const minimum = settings.degradedMinimumRequests;
  if (view.requests >= minimum && view.failures > 0 && view.failureRate >= settings.degradedFailureRate) {
    return `failure rate ${formatPercent(view.failureRate)} over ${view.requests} requests`;
  }
  const latencyLimit = settings.latencyP95ThresholdMs;
  if (latencyLimit !== undefined && view.latency && view.latencySamples >= minimum && view.latency.p95 > latencyLimit) {
    return `latency p95 ${view.latency.p95} ms over ${latencyLimit} ms`;
  }
  const firstTokenLimit = settings.timeToFirstTokenP95ThresholdMs;
  if (
    firstTokenLimit !== undefined &&
    view.timeToFirstToken &&
    view.timeToFirstTokenSamples >= minimum &&
    view.timeToFirstToken.p95 > firstTokenLimit
  ) {
    return `time to first token p95 ${view.timeToFirstToken.p95} ms over ${firstTokenLimit} ms`;
  }
  return undefined;
}

/**
 * Hysteresis for leaving `degraded`: a degraded deployment gets little or no client traffic, so the
 * few late answers it still produces must not flip it back and forth. It recovers only when the
 * window holds enough evidence and that evidence is clearly good (failure rate under half the
 * threshold, latencies under 80% of theirs), or when the window holds no evidence at all.
 */
export function recoveredFromDegradation(view: WindowView, settings: DegradationSettings): boolean {
  if (view.requests === 0 && view.latencySamples === 0) return true;
  const minimum = settings.degradedMinimumRequests;
  if (view.requests < minimum) return false;
  if (view.failureRate >= settings.degradedFailureRate / 2) return false;
  const latencyLimit = settings.latencyP95ThresholdMs;
  if (latencyLimit !== undefined && (view.latencySamples < minimum || (view.latency?.p95 ?? 0) > latencyLimit * 0.8))
    return false;
  const firstTokenLimit = settings.timeToFirstTokenP95ThresholdMs;
  if (
    firstTokenLimit !== undefined &&
    (view.timeToFirstTokenSamples < minimum || (view.timeToFirstToken?.p95 ?? 0) > firstTokenLimit * 0.8)
  ) {
    return false;
  }
  return true;
}
