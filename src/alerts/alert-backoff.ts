// When a failed alert is tried again: exponential backoff with jitter (so replicas and sinks do not
// retry in step), a receiver's retry-after respected, and one last attempt at the end of the window
// rather than none when the next step would overshoot it.
import type { Random } from '../util/random.js';

export interface BackoffSettings {
  initialMs: number;
  maximumMs: number;
}

export const defaultBackoff: BackoffSettings = { initialMs: 1_000, maximumMs: 60_000 };

/** Delay before attempt `attempts + 1`, after `attempts` failed ones: between half and all of initial × 2^(attempts−1). */
export function backoffDelay(attempts: number, settings: BackoffSettings, random: Random): number {
  const exponential = Math.min(settings.maximumMs, settings.initialMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.5 + 0.5 * random.next()));
}

/**
 * The next attempt's time, or null when the window is over. `retryAfterMs` (from a 429 or 503) wins over
 * the backoff, but never below the initial delay.
 */
export function nextAttemptAt(options: {
  now: number;
  attempts: number;
  windowEndsAt: number;
  retryAfterMs?: number;
  settings: BackoffSettings;
  random: Random;
}): number | null {
  if (options.now >= options.windowEndsAt) return null;
  const delay =
    options.retryAfterMs !== undefined
      ? Math.max(options.retryAfterMs, options.settings.initialMs)
      : backoffDelay(options.attempts, options.settings, options.random);
  return Math.min(options.now + delay, options.windowEndsAt);
}
