// Exponential backoff with full jitter (delay drawn uniformly from [0, min(max, base·2^n)]).
import type { Random } from '../util/random.js';

export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Delay before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, settings: BackoffSettings, random: Random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random.next() * ceiling);
}
