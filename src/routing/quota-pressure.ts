// How close each deployment is to its provider's rate limit, learned from what its answers say: the
// rate-limit headers' remaining share (`anthropic-ratelimit-*-remaining` / `-limit`,
// `x-ratelimit-remaining-*` / `x-ratelimit-limit-*`, the smallest share of any pair) and its 429s.
// Priority shedding reads it to keep a scarce fallback quota for interactive traffic. Deterministic:
// time comes from the injected clock; an observation lasts until the limit's reset (or a default).
// Every answer passes here but only low-priority requests ask: an answer's headers are kept as they
// came (when they carry rate-limit figures) and read when pressure is asked for.
import type { Clock } from '../util/clock.js';

export interface QuotaPressureSettings {
  /** A remaining share under this is "near the limit". */
  shedBelowShare: number;
  /** How long a 429 keeps a deployment near its limit when the upstream said nothing longer. */
  rateLimitedHoldMs: number;
  /** How long a header observation holds when the upstream gave no reset time. */
  observationTtlMs: number;
  /** After serving a failed-over request, a deployment counts as serving failover traffic for this long. */
  failoverWindowMs: number;
}

interface Observation {
  share: number;
  until: number;
}

export interface Pressure {
  nearLimit: boolean;
  /** When the pressure is expected to ease (the limit's reset, or the 429's retry-after). */
  retryAfterMs: number;
}

const anthropicPrefix = 'anthropic-ratelimit-';
const openaiPrefix = 'x-ratelimit-';
type LimitField = 'remaining' | 'limit' | 'reset';

/**
 * What a rate-limit header counts and which figure it gives: `anthropic-ratelimit-<counted>-<field>` or
 * `x-ratelimit-<field>-<counted>`; undefined for any other header. Every answer's headers pass here, so
 * it reads the name with string offsets rather than a regular expression per header.
 */
function rateLimitHeader(name: string): { counted: string; field: LimitField } | undefined {
  if (name.startsWith(anthropicPrefix)) {
    const dash = name.lastIndexOf('-');
    const field = name.slice(dash + 1);
    if (dash <= anthropicPrefix.length || !isLimitField(field)) return undefined;
    return { counted: `anthropic:${name.slice(anthropicPrefix.length, dash)}`, field };
  }
  if (name.startsWith(openaiPrefix)) {
    const dash = name.indexOf('-', openaiPrefix.length);
    const field = name.slice(openaiPrefix.length, dash);
    if (dash < 0 || dash === name.length - 1 || !isLimitField(field)) return undefined;
    return { counted: `openai:${name.slice(dash + 1)}`, field };
  }
  return undefined;
}

function isLimitField(text: string): text is LimitField {
  return text === 'remaining' || text === 'limit' || text === 'reset';
}

/** `6m0s`, `1.5s`, `20ms`, `1h2m` (OpenAI's reset form) → milliseconds. */
export function parseResetDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text.trim()) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, part) => sum + Number(part[1]) * unit[part[2] as keyof typeof unit], 0);
}

interface LimitPair {
  remaining?: number;
  limit?: number;
  resetInMs?: number;
}

/** The rate-limit pairs in a set of response headers (names lower-case), keyed by what they count. */
function limitPairs(headers: Record<string, string>, now: number): Map<string, LimitPair> {
  const pairs = new Map<string, LimitPair>();
  const entry = (name: string) => {
    let pair = pairs.get(name);
    if (!pair) {
      pair = {};
      pairs.set(name, pair);
    }
    return pair;
  };
  for (const name in headers) {
    const header = rateLimitHeader(name);
    if (!header) continue;
    const value = headers[name] as string;
    const pair = entry(header.counted);
    if (header.field === 'reset') {
      const at = header.counted.startsWith('anthropic:') ? Date.parse(value) - now : parseResetDuration(value);
      if (at !== undefined && Number.isFinite(at)) pair.resetInMs = Math.max(0, at);
      continue;
    }
    const number = Number(value);
    if (!Number.isFinite(number)) continue;
    pair[header.field] = number;
  }
  return pairs;
}

/** Whether any header is a rate-limit header: the one check every answer pays. */
function hasRateLimitHeader(headers: Record<string, string>): boolean {
  for (const name in headers) if (name.startsWith(anthropicPrefix) || name.startsWith(openaiPrefix)) return true;
  return false;
}

/** The pair with the smallest remaining share in one answer's headers, as an observation made at `at`. */
function smallestShare(headers: Record<string, string>, at: number, ttlMs: number): Observation | undefined {
  let smallest: Observation | undefined;
  for (const pair of limitPairs(headers, at).values()) {
    if (pair.remaining === undefined || pair.limit === undefined || pair.limit <= 0) continue;
    const share = Math.max(0, pair.remaining) / pair.limit;
    if (smallest && share >= smallest.share) continue;
    smallest = { share, until: at + (pair.resetInMs ?? ttlMs) };
  }
  return smallest;
}

export class QuotaPressure {
  private readonly observed = new Map<string, Observation>();
  /** The latest answer's rate-limit headers per deployment, not read yet, and when they came. */
  private readonly unread = new Map<string, { headers: Record<string, string>; at: number }>();
  private readonly rateLimitedUntil = new Map<string, number>();
  private readonly failoverServedAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly settings: QuotaPressureSettings,
  ) {}

  /** An answer's rate-limit headers (only the pair with the smallest remaining share counts). */
  observeHeaders(deploymentId: string, headers: Record<string, string> | undefined): void {
    if (!headers || !hasRateLimitHeader(headers)) return;
    this.unread.set(deploymentId, { headers, at: this.clock.now() });
  }

  /** Reads the deployment's latest rate-limit headers, if any came since the last read. */
  private read(deploymentId: string): Observation | undefined {
    const latest = this.unread.get(deploymentId);
    if (latest) {
      this.unread.delete(deploymentId);
      const smallest = smallestShare(latest.headers, latest.at, this.settings.observationTtlMs);
      // Headers without a whole pair change nothing: the last observation stands.
      if (smallest) this.observed.set(deploymentId, smallest);
    }
    return this.observed.get(deploymentId);
  }

  /** A 429 from the deployment: near its limit at least until the upstream's retry-after. */
  observeRateLimited(deploymentId: string, retryAfterMs?: number): void {
    const until = this.clock.now() + Math.max(retryAfterMs ?? 0, this.settings.rateLimitedHoldMs);
    this.rateLimitedUntil.set(deploymentId, Math.max(until, this.rateLimitedUntil.get(deploymentId) ?? 0));
  }

  /** The deployment answered a request another deployment had failed first. */
  observeFailoverServed(deploymentId: string): void {
    this.failoverServedAt.set(deploymentId, this.clock.now());
  }

  /** Whether the deployment answered failed-over requests within the failover window. */
  servingFailover(deploymentId: string): boolean {
    const at = this.failoverServedAt.get(deploymentId);
    return at !== undefined && this.clock.now() - at < this.settings.failoverWindowMs;
  }

  pressure(deploymentId: string): Pressure {
    const now = this.clock.now();
    const limitedUntil = this.rateLimitedUntil.get(deploymentId);
    if (limitedUntil !== undefined && limitedUntil > now) return { nearLimit: true, retryAfterMs: limitedUntil - now };
    const observation = this.read(deploymentId);
    if (observation && observation.until > now && observation.share < this.settings.shedBelowShare)
      return { nearLimit: true, retryAfterMs: observation.until - now };
    return { nearLimit: false, retryAfterMs: 0 };
  }

  /** Forgets a deployment (removed or changed by a reload). */
  forget(deploymentId: string): void {
    this.observed.delete(deploymentId);
    this.unread.delete(deploymentId);
    this.rateLimitedUntil.delete(deploymentId);
    this.failoverServedAt.delete(deploymentId);
  }
}
