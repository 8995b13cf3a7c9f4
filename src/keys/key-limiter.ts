// Per-key limits: requests and tokens per minute (fixed one-minute windows) and requests in flight.
// With Redis configured the minute counters are shared by every replica (INCR on a key per window);
// concurrency is counted per replica. When Redis is unreachable each replica counts on its own rather
// than refusing traffic: a limit is a budget, not a lock.
import type { Redis } from 'ioredis';
import type { Clock } from '../util/clock.js';
import type { GatewayKeyRecord } from './gateway-key.js';

const windowMs = 60_000;

export type LimitDecision =
  | { ok: true; release(): void }
  | { ok: false; limit: 'rpm' | 'tpm' | 'concurrency'; retryAfterMs: number };

interface LocalCounters {
  window: number;
  requests: number;
  tokens: number;
  inFlight: number;
}

export interface KeyLimiterOptions {
  clock: Clock;
  /** A connected ioredis client, when limits are shared across replicas. */
  redis?: Redis;
  redisPrefix?: string;
}

export class KeyLimiter {
  private readonly local = new Map<string, LocalCounters>();

  constructor(private readonly options: KeyLimiterOptions) {}

  async acquire(key: GatewayKeyRecord): Promise<LimitDecision> {
    if (key.rpm === undefined && key.tpm === undefined && key.concurrency === undefined) {
      return { ok: true, release: () => {} };
    }
    const now = this.options.clock.now();
    const counters = this.countersFor(key.name, now);
    const retryAfterMs = (counters.window + 1) * windowMs - now;
    if (key.concurrency !== undefined && counters.inFlight >= key.concurrency) {
      // A slot frees when a request ends; a second is a fair guess for an SDK's retry.
      return { ok: false, limit: 'concurrency', retryAfterMs: 1_000 };
    }
    if (key.rpm !== undefined || key.tpm !== undefined) {
      const shared = await this.sharedWindow(key.name, counters.window);
      const requests = shared ? shared.requests : counters.requests + 1;
      const tokens = shared ? shared.tokens : counters.tokens;
      if (!shared) counters.requests += 1;
      if (key.rpm !== undefined && requests > key.rpm) return { ok: false, limit: 'rpm', retryAfterMs };
      if (key.tpm !== undefined && tokens >= key.tpm) return { ok: false, limit: 'tpm', retryAfterMs };
    }
    counters.inFlight += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        counters.inFlight -= 1;
      },
    };
  }

  /** Tokens a finished request used, charged to the key's current window. */
  addTokens(key: GatewayKeyRecord, tokens: number): void {
    if (key.tpm === undefined || tokens <= 0) return;
    const now = this.options.clock.now();
    const counters = this.countersFor(key.name, now);
    counters.tokens += tokens;
    const redis = this.options.redis;
    if (redis?.status === 'ready') {
      const name = this.windowKey(key.name, counters.window, 'tokens');
      redis
        .multi()
        .incrby(name, tokens)
        .pexpire(name, windowMs * 2)
        .exec()
        .catch(() => {});
    }
  }

  private async sharedWindow(name: string, window: number): Promise<{ requests: number; tokens: number } | undefined> {
    const redis = this.options.redis;
    if (redis?.status !== 'ready') return undefined;
    const requestsKey = this.windowKey(name, window, 'requests');
    try {
      const results = await redis
        .multi()
        .incr(requestsKey)
        .pexpire(requestsKey, windowMs * 2)
        .get(this.windowKey(name, window, 'tokens'))
        .exec();
      if (!results || results.some(([error]) => error)) return undefined;
      return { requests: Number(results[0]?.[1] ?? 0), tokens: Number(results[2]?.[1] ?? 0) };
    } catch {
      return undefined;
    }
  }

  private windowKey(name: string, window: number, what: 'requests' | 'tokens'): string {
    return `${this.options.redisPrefix ?? 'switchyard:limits'}:${name}:${window}:${what}`;
  }

  private countersFor(name: string, now: number): LocalCounters {
    const window = Math.floor(now / windowMs);
    let counters = this.local.get(name);
    if (!counters) {
      counters = { window, requests: 0, tokens: 0, inFlight: 0 };
      this.local.set(name, counters);
    } else if (counters.window !== window) {
      counters.window = window;
      counters.requests = 0;
      counters.tokens = 0;
    }
    return counters;
  }
}
