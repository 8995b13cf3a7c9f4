// A rate-limit cool-down: the deployment is not down, its quota is spent, so it is left alone until
// the quota comes back, without counting as an outage. 429 with retry-after: cool down until then
// (capped). Without it, one 429 is no reason to stop sending (the attempt loop backs off or fails
// over); rateLimitCoolDownAfter of them in a row are, for a short rateLimitCoolDownMs, so a saturated
// quota is not hammered.
import type { HealthSettings } from './health-settings.js';

export class RateLimitCoolDown {
  private coolDownUntil: number | undefined;
  private consecutiveRateLimits = 0;

  constructor(private readonly settings: HealthSettings) {}

  /** End of the cool-down, or undefined when there is none (call expire() first). */
  get until(): number | undefined {
    return this.coolDownUntil;
  }

  /** Ends a cool-down whose time is over. */
  expire(now: number): void {
    if (this.coolDownUntil !== undefined && now >= this.coolDownUntil) this.coolDownUntil = undefined;
  }

  noteRateLimit(retryAfterMs: number | undefined, now: number): void {
    this.consecutiveRateLimits += 1;
    let until: number | undefined;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      until = now + Math.min(retryAfterMs, this.settings.maxCoolDownMs);
    } else if (this.consecutiveRateLimits >= this.settings.rateLimitCoolDownAfter) {
      until = now + this.settings.rateLimitCoolDownMs;
      this.consecutiveRateLimits = 0;
    }
    if (until !== undefined) this.coolDownUntil = Math.max(this.coolDownUntil ?? until, until);
  }

  /** An answer that was not a 429 (a success, or a failure that counts): the run of 429s is broken. */
  breakRun(): void {
    this.consecutiveRateLimits = 0;
  }
}
