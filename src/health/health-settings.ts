// Health thresholds for one deployment, with the defaults every deployment starts from. Plain data
// (numbers only) so a config file can override any of them per deployment.

export interface HealthSettings {
  /** Length of the rolling outcome window. */
  windowMs: number;
  /** Width of one bucket of the window; windowMs is rounded up to a whole number of buckets. */
  bucketMs: number;

  /** A run of this many upstream-origin failures ejects a deployment whose usual failure rate is low. */
  consecutiveFailures: number;
  /**
   * The longest run ever required. Between the two, the required run grows with the deployment's own
   * usual failure rate, so that a noisy deployment (30% errors) is not ejected by its ordinary streaks.
   * Set it equal to consecutiveFailures for a fixed threshold.
   */
  maximumConsecutiveFailures: number;
  /** How unlikely (under the usual failure rate) a run must be to eject: 1e-6 = one in a million. */
  consecutiveFailureSurprise: number;

  /** Failure rate over the window that ejects, once the window holds ejectionMinimumRequests. */
  ejectionFailureRate: number;
  ejectionMinimumRequests: number;

  /** Failure rate over the window that marks the deployment degraded (kept, tried after healthy ones). */
  degradedFailureRate: number;
  /** Requests (or latency samples) the window needs before it may mark the deployment degraded. */
  degradedMinimumRequests: number;
  /** p95 latency of successful attempts above which the deployment is degraded; off when undefined. */
  latencyP95ThresholdMs?: number;
  /** p95 time to first token above which the deployment is degraded; off when undefined. */
  timeToFirstTokenP95ThresholdMs?: number;

  /**
   * A deployment whose oldest request has waited for first content longer than suspectFactor × its
   * learned p99 time to first token (and at least suspectFloorMs), with no request answering since,
   * is suspect: taken out of rotation at once while its waiting requests keep waiting.
   */
  suspectFactor: number;
  suspectFloorMs: number;
  /**
   * Sooner, on a crowd: suspectCrowd waiting requests (2), each past the learned p99 time to first
   * token (and at least suspectCrowdFloorMs, 250 ms), none that started after them answered. At
   * 25 req/s a hang is then suspect after about a third of a second instead of suspectFloorMs: with a
   * crowd of three (half the requests are streams, the only ones watched) it took half a second, and
   * 12–14 requests went into a hung family where the target is 12. A false suspicion costs little: the
   * first token of a waiting request readmits the deployment at once.
   */
  suspectCrowd: number;
  suspectCrowdFloorMs: number;
  /**
   * Hedge races lost: an attempt abandoned because another deployment answered first, after waiting
   * past its deployment's learned p99 (time to first token, or to a whole answer) and at least
   * lostRaceFloorMs, with no attempt of that deployment that started later answering since. One holds
   * the deployment back to the attempts it has out until one answers; suspectLostRaces (2) make it
   * suspect. Without this, a deployment whose first token slowed to 20 s stays first in line while
   * hedges rescue its requests, and every request pays the hedge delay. The floor is the default
   * hedge delay (hedging.minimumDelayMs): no race is lost sooner.
   */
  suspectLostRaces: number;
  lostRaceFloorMs: number;
  /**
   * Hard failures (connection refused, 503, 529) in a row that eject a deployment whose window holds too
   * few requests to judge a usual failure rate (low traffic), where the adaptive run would need ~10.
   */
  hardFailureRun: number;

  /** Ejection time is baseEjectionMs × ejection count, capped at maxEjectionMs. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** Without a new ejection for this long, the ejection count drops by one. */
  ejectionDecayMs: number;

  /** Concurrent trial requests admitted while probing. */
  probeTrials: number;
  /** A trial that never reports back frees its slot after this long (the caller may have given up). */
  probeTrialTimeoutMs: number;

  /** Consecutive 429s without retry-after that start a cool-down. */
  rateLimitCoolDownAfter: number;
  /** Cool-down after rateLimitCoolDownAfter consecutive 429s without retry-after. */
  rateLimitCoolDownMs: number;
  /** Longest cool-down a retry-after may ask for (protects against a bogus header). */
  maxCoolDownMs: number;
}

export const defaultHealthSettings: Readonly<HealthSettings> = Object.freeze({
  windowMs: 10_000,
  bucketMs: 1_000,
  consecutiveFailures: 5,
  maximumConsecutiveFailures: 20,
  consecutiveFailureSurprise: 1e-6,
  ejectionFailureRate: 0.5,
  // 40 rather than 10: with fewer, the noise of a fresh window at 30% errors crosses 50% too often.
  ejectionMinimumRequests: 40,
  degradedFailureRate: 0.1,
  degradedMinimumRequests: 10,
  latencyP95ThresholdMs: undefined,
  timeToFirstTokenP95ThresholdMs: undefined,
  suspectFactor: 3,
  suspectFloorMs: 1_000,
  suspectCrowd: 2,
  suspectCrowdFloorMs: 250,
  suspectLostRaces: 2,
  lostRaceFloorMs: 50,
  hardFailureRun: 3,
  baseEjectionMs: 5_000,
  maxEjectionMs: 120_000,
  ejectionDecayMs: 60_000,
  probeTrials: 1,
  probeTrialTimeoutMs: 30_000,
  rateLimitCoolDownAfter: 3,
  rateLimitCoolDownMs: 2_000,
  maxCoolDownMs: 60_000,
});

/** Layers partial settings over the defaults (later ones win) and checks the result. */
export function resolveHealthSettings(...layers: Array<Partial<HealthSettings> | undefined>): HealthSettings {
  const settings: HealthSettings = { ...defaultHealthSettings };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      // An explicit undefined in a layer must not erase a default threshold set by an earlier layer.
      if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
    }
  }
  validate(settings);
  return settings;
}

function validate(settings: HealthSettings): void {
  const positive: Array<keyof HealthSettings> = [
    'windowMs',
    'bucketMs',
    'consecutiveFailures',
    'maximumConsecutiveFailures',
    'ejectionMinimumRequests',
    'degradedMinimumRequests',
    'suspectFactor',
    'suspectFloorMs',
    'suspectCrowd',
    'suspectCrowdFloorMs',
    'suspectLostRaces',
    'lostRaceFloorMs',
    'hardFailureRun',
    'baseEjectionMs',
    'maxEjectionMs',
    'ejectionDecayMs',
    'probeTrials',
    'probeTrialTimeoutMs',
    'rateLimitCoolDownAfter',
    'rateLimitCoolDownMs',
    'maxCoolDownMs',
  ];
  for (const key of positive) {
    const value = settings[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`health setting ${key} must be a positive number, got ${String(value)}`);
    }
  }
  for (const key of ['ejectionFailureRate', 'degradedFailureRate', 'consecutiveFailureSurprise'] as const) {
    const value = settings[key];
    if (!(value > 0 && value <= 1)) throw new RangeError(`health setting ${key} must be in (0, 1], got ${value}`);
  }
  for (const key of ['latencyP95ThresholdMs', 'timeToFirstTokenP95ThresholdMs'] as const) {
    const value = settings[key];
    if (value !== undefined && !(value > 0))
      throw new RangeError(`health setting ${key} must be positive, got ${value}`);
  }
  if (settings.maximumConsecutiveFailures < settings.consecutiveFailures) {
    throw new RangeError('health setting maximumConsecutiveFailures must be at least consecutiveFailures');
  }
  if (settings.bucketMs > settings.windowMs) throw new RangeError('health setting bucketMs must not exceed windowMs');
  if (settings.maxEjectionMs < settings.baseEjectionMs) {
    throw new RangeError('health setting maxEjectionMs must be at least baseEjectionMs');
  }
}
