// The simulated upstreams, created on first use by name: each has its own labels (failure
// domains a fault can target), timing overrides, counters and the last requests it received
// (so tests can assert what a gateway actually sent, headers included).
import type { RequestWindow } from './dialects/dialect.js';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../util/clock.js';
import { UpstreamQuota, type QuotaSettings } from './upstream-quota.js';

/** Settings of one upstream, from POST /_sim/upstreams/<name> or a scenario's `upstreams`. */
export const upstreamSettingsSchema = z
  .object({
    /** Replaces the upstream's labels. */
    labels: z.array(z.string().min(1)).optional(),
    /** Overrides the simulator's time to first token; null returns to the global value. */
    timeToFirstTokenMs: z.number().min(0).nullable().optional(),
    /** Overrides the simulator's tokens per second (0 = instant); null returns to the global value. */
    tokensPerSecond: z.number().min(0).nullable().optional(),
    /** Text answers are at least this many tokens long (Anthropic and OpenAI dialects); null: as usual. */
    replyTokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
    /** A request quota per window (rate-limit headers, then 429s); null removes it. */
    quota: z
      .object({ requests: z.number().int().min(1), windowMs: z.number().int().positive() })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;

export interface UpstreamStats {
  /** Requests received (fully read) on any /u/<name>/ path. */
  requests: number;
  /** Of those, a gateway's active health probes (they carry the probe header). */
  probes: number;
  /** Answered normally. */
  succeeded: number;
  /** Answered (or cut, reset) by an injected fault. */
  failed: number;
  /** Refused by the dialect's own checks (missing key, missing field, unknown path). */
  rejected: number;
  /** The client closed the connection before the answer was complete. */
  aborted: number;
  /** Requests still being answered (or hanging). */
  inFlight: number;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  /**
   * Headers exactly as received, credentials included: the simulator is a test double and tests
   * assert which key reached the upstream. Never expose a simulator to real keys.
   */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it was not JSON, or null for bodiless requests. */
  body: unknown;
  /** The body's text exactly as received ('' for bodiless requests). */
  text: string;
  receivedAt: number;
}

export interface UpstreamDescription {
  name: string;
  labels: string[];
  timeToFirstTokenMs: number | null;
  tokensPerSecond: number | null;
  quota: (QuotaSettings & { used: number }) | null;
}

const recordedLimit = 20;

function emptyStats(): UpstreamStats {
  return { requests: 0, probes: 0, succeeded: 0, failed: 0, rejected: 0, aborted: 0, inFlight: 0 };
}

export class SimulatedUpstream {
  labels = new Set<string>();
  timeToFirstTokenMs: number | undefined;
  tokensPerSecond: number | undefined;
  quota: UpstreamQuota | undefined;
  replyTokens: number | undefined;
  /** Clock times at which clients (gateways) dropped an exchange before its answer was complete. */
  abortedAt: number[] = [];
  readonly stats: UpstreamStats = emptyStats();
  recorded: RecordedRequest[] = [];

  private windowStartMs = Number.NEGATIVE_INFINITY;
  private windowRequests = 0;

  constructor(readonly name: string) {}

  /** Counts a request into the current clock minute, for the rate-limit headers dialects send. */
  countIntoWindow(nowMs: number): RequestWindow {
    const start = nowMs - (nowMs % 60_000);
    if (start !== this.windowStartMs) {
      this.windowStartMs = start;
      this.windowRequests = 0;
    }
    this.windowRequests += 1;
    return { requests: this.windowRequests, resetsAtMs: start + 60_000 };
  }

  record(request: RecordedRequest): void {
    if (this.recorded.length >= recordedLimit) this.recorded.shift();
    this.recorded.push(request);
  }

  describe(): UpstreamDescription {
    return {
      name: this.name,
      labels: [...this.labels],
      timeToFirstTokenMs: this.timeToFirstTokenMs ?? null,
      tokensPerSecond: this.tokensPerSecond ?? null,
      quota: this.quota?.describe() ?? null,
    };
  }
}

export class UpstreamRegistry {
  private readonly upstreams = new Map<string, SimulatedUpstream>();

  /** The clock quotas count their windows by. */
  constructor(private readonly clock: Clock) {}

  /** The upstream of that name, created when first seen. */
  get(name: string): SimulatedUpstream {
    let upstream = this.upstreams.get(name);
    if (!upstream) {
      upstream = new SimulatedUpstream(name);
      this.upstreams.set(name, upstream);
    }
    return upstream;
  }

  find(name: string): SimulatedUpstream | undefined {
    return this.upstreams.get(name);
  }

  all(): SimulatedUpstream[] {
    return [...this.upstreams.values()];
  }

  configure(name: string, settings: UpstreamSettings): SimulatedUpstream {
    const upstream = this.get(name);
    if (settings.labels !== undefined) upstream.labels = new Set(settings.labels);
    if (settings.timeToFirstTokenMs !== undefined)
      upstream.timeToFirstTokenMs = settings.timeToFirstTokenMs ?? undefined;
    if (settings.tokensPerSecond !== undefined) upstream.tokensPerSecond = settings.tokensPerSecond ?? undefined;
    if (settings.replyTokens !== undefined) upstream.replyTokens = settings.replyTokens ?? undefined;
    if (settings.quota !== undefined)
      upstream.quota = settings.quota === null ? undefined : new UpstreamQuota(settings.quota, this.clock);
    return upstream;
  }

  /** The last requests an upstream received, oldest first (empty for an unknown name). */
  recordedRequests(name: string): RecordedRequest[] {
    return [...(this.upstreams.get(name)?.recorded ?? [])];
  }

  stats(): Record<string, UpstreamStats> {
    const result: Record<string, UpstreamStats> = {};
    for (const upstream of this.upstreams.values()) result[upstream.name] = { ...upstream.stats };
    return result;
  }

  /** Zeroes the counters and forgets recorded requests; in-flight requests stay counted as in flight. */
  resetStats(): void {
    for (const upstream of this.upstreams.values()) {
      Object.assign(upstream.stats, { ...emptyStats(), inFlight: upstream.stats.inFlight });
      upstream.recorded = [];
    }
  }
}
