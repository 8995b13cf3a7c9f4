// A provider's request quota as a simulated upstream plays it: a fixed window of N requests. Every
// answer inside the quota carries the provider's rate-limit headers with the remaining count
// (Anthropic's `anthropic-ratelimit-requests-*`, OpenAI's `x-ratelimit-*-requests`); once the window
// is spent, requests get the provider's 429 with retry-after until the window turns over.
import type { Clock } from '../util/clock.js';
import type { AnswerHeaders } from './dialects/dialect.js';

export interface QuotaSettings {
  /** Requests allowed per window. */
  requests: number;
  /** Length of the window in milliseconds. */
  windowMs: number;
}

export type QuotaDecision =
  | { allowed: true; headers: AnswerHeaders }
  | { allowed: false; retryAfterSeconds: number; headers: AnswerHeaders };

export class UpstreamQuota {
  private windowStart: number | undefined;
  private used = 0;

  constructor(
    readonly settings: QuotaSettings,
    private readonly clock: Clock,
  ) {}

  /** Spends one request of the window, or says how long until the next window opens. */
  take(dialect: string): QuotaDecision {
    const now = this.clock.now();
    if (this.windowStart === undefined || now >= this.windowStart + this.settings.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const resetAt = this.windowStart + this.settings.windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
    if (this.used >= this.settings.requests) {
      return { allowed: false, retryAfterSeconds, headers: this.headers(dialect, 0, resetAt, retryAfterSeconds) };
    }
    this.used += 1;
    return {
      allowed: true,
      headers: this.headers(dialect, this.settings.requests - this.used, resetAt, retryAfterSeconds),
    };
  }

  describe(): QuotaSettings & { used: number } {
    return { ...this.settings, used: this.used };
  }

  private headers(dialect: string, remaining: number, resetAt: number, resetSeconds: number): AnswerHeaders {
    if (dialect === 'anthropic') {
      return {
        'anthropic-ratelimit-requests-limit': String(this.settings.requests),
        'anthropic-ratelimit-requests-remaining': String(remaining),
        'anthropic-ratelimit-requests-reset': new Date(resetAt).toISOString(),
      };
    }
    return {
      'x-ratelimit-limit-requests': String(this.settings.requests),
      'x-ratelimit-remaining-requests': String(remaining),
      'x-ratelimit-reset-requests': `${resetSeconds}s`,
    };
  }
}
