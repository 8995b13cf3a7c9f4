// The rolling outcome window of one deployment (default 10 s in 1 s buckets): failure rate, request
// count and latency / TTFT percentiles over the last few seconds. Counts recorded here ("local") and
// counts merged from other replicas ("remote") are kept apart so that the local ones can be exported
// for publishing while the figures cover the whole fleet. Time comes from the injected clock.
import type { Clock } from '../util/clock.js';
import type { FailureKind } from '../canonical/errors.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import {
  addOutcome,
  addOutcomeCounts,
  cloneBucketCounts,
  emptyBucketCounts,
  mergeBucketCounts,
  type BucketCounts,
} from './bucket-counts.js';
import { histogramPercentiles, histogramTotal, type Percentiles } from './latency-histogram.js';

/** Health only reads the time; it never sleeps or schedules timers. */
export type HealthClock = Pick<Clock, 'now'>;

export interface WindowView {
  /** Every recorded attempt, whatever its outcome. */
  attempts: number;
  /** Attempts that say something about the upstream: successes plus upstream-origin failures. */
  requests: number;
  successes: number;
  /** Upstream-origin failures. */
  failures: number;
  /** failures / requests; 0 when there were no requests. */
  failureRate: number;
  failuresByKind: Partial<Record<FailureKind, number>>;
  latency: Percentiles | undefined;
  latencySamples: number;
  timeToFirstToken: Percentiles | undefined;
  timeToFirstTokenSamples: number;
}

export interface OutcomeWindowOptions {
  windowMs: number;
  bucketMs: number;
}

export interface BucketDelta {
  bucketStartMs: number;
  counts: BucketCounts;
}

interface Bucket {
  local: BucketCounts;
  remote: BucketCounts;
}

export class OutcomeWindow {
  readonly bucketMs: number;
  readonly bucketCount: number;
  private buckets = new Map<number, Bucket>();
  /** What this replica recorded and has not yet handed out through takeLocalDelta. */
  private pendingLocal = new Map<number, BucketCounts>();
  /** Remote counts for buckets that began before this moment are stale (see reset). */
  private resetAt = Number.NEGATIVE_INFINITY;
  private cachedView: WindowView | undefined;
  private cachedForBucket = Number.NaN;
  private cachedWithLatency = false;
  /**
   * The counts of every bucket in the window (local and remote, latency left out), kept as outcomes
   * arrive and buckets leave: the breaker reads them on every outcome. Recomputed from the buckets
   * after remote counts are merged (sanitised there) — rare next to local outcomes.
   */
  private totals = emptyBucketCounts();
  private totalsStale = false;

  constructor(
    private readonly clock: HealthClock,
    options: OutcomeWindowOptions,
  ) {
    if (!(options.bucketMs > 0) || !(options.windowMs >= options.bucketMs)) {
      throw new RangeError('the outcome window needs bucketMs > 0 and windowMs >= bucketMs');
    }
    this.bucketMs = options.bucketMs;
    this.bucketCount = Math.ceil(options.windowMs / options.bucketMs);
  }

  get windowMs(): number {
    return this.bucketCount * this.bucketMs;
  }

  bucketStart(ms: number): number {
    return Math.floor(ms / this.bucketMs) * this.bucketMs;
  }

  record(outcome: AttemptOutcome): void {
    const start = this.bucketStart(this.clock.now());
    addOutcome(this.bucketAt(start).local, outcome);
    addOutcomeCounts(this.totals, outcome);
    let pending = this.pendingLocal.get(start);
    if (!pending) {
      pending = emptyBucketCounts();
      this.pendingLocal.set(start, pending);
      this.prunePending(start);
    }
    addOutcome(pending, outcome);
    this.cachedView = undefined;
  }

  /**
   * Adds counts another replica recorded in the bucket starting at bucketStartMs. Returns false when
   * they were dropped: outside the window, or older than the last reset. A bucket slightly in the
   * future (clock skew between replicas) counts as the current one.
   */
  mergeRemote(bucketStartMs: number, counts: Readonly<BucketCounts>): boolean {
    if (!Number.isFinite(bucketStartMs)) return false;
    const current = this.bucketStart(this.clock.now());
    let start = this.bucketStart(bucketStartMs);
    if (start > current + this.windowMs) return false;
    start = Math.min(start, current);
    if (start <= current - this.windowMs || start < this.resetAt) return false;
    mergeBucketCounts(this.bucketAt(start).remote, counts);
    this.totalsStale = true;
    this.cachedView = undefined;
    return true;
  }

  /** What this replica recorded since the last call, oldest bucket first, for publishing to others. */
  takeLocalDelta(): BucketDelta[] {
    this.prunePending(this.bucketStart(this.clock.now()));
    const deltas = [...this.pendingLocal.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([bucketStartMs, counts]) => ({ bucketStartMs, counts }));
    this.pendingLocal = new Map();
    return deltas;
  }

  /**
   * Forgets every outcome so far, local and remote, so that the failures that caused an ejection do
   * not eject the deployment again the moment it is readmitted. Remote counts for buckets that began
   * before now are refused from then on (they may hold those same failures). Pending local deltas stay:
   * they are facts other replicas may still want, and they apply the same rule.
   */
  reset(): void {
    this.buckets.clear();
    this.totals = emptyBucketCounts();
    this.totalsStale = false;
    this.resetAt = this.clock.now();
    this.cachedView = undefined;
  }

  /**
   * The window's figures. Latency percentiles cost a histogram merge and two quantile walks, and the
   * breaker checks the window on every outcome, so callers that need no latency ask for the counts
   * only (`withLatency: false`: latency figures come back undefined and 0).
   */
  view(withLatency = true): WindowView {
    const current = this.bucketStart(this.clock.now());
    if (this.cachedView && this.cachedForBucket === current && (this.cachedWithLatency || !withLatency))
      return this.cachedView;
    this.pruneBuckets(current);
    let total = this.countTotals();
    if (withLatency) {
      total = emptyBucketCounts();
      for (const bucket of this.buckets.values()) {
        mergeBucketCounts(total, bucket.local);
        mergeBucketCounts(total, bucket.remote);
      }
    }
    const requests = total.successes + total.failures;
    const view: WindowView = {
      attempts: total.attempts,
      requests,
      successes: total.successes,
      failures: total.failures,
      failureRate: requests === 0 ? 0 : total.failures / requests,
      failuresByKind: withLatency ? total.failuresByKind : { ...total.failuresByKind },
      latency: withLatency ? histogramPercentiles(total.latency) : undefined,
      latencySamples: withLatency ? histogramTotal(total.latency) : 0,
      timeToFirstToken: withLatency ? histogramPercentiles(total.timeToFirstToken) : undefined,
      timeToFirstTokenSamples: withLatency ? histogramTotal(total.timeToFirstToken) : 0,
    };
    this.cachedView = view;
    this.cachedForBucket = current;
    this.cachedWithLatency = withLatency;
    return view;
  }

  /** The local and remote counts of every bucket still in the window, oldest first (for tests and debugging). */
  bucketBreakdown(): Array<{ bucketStartMs: number; local: BucketCounts; remote: BucketCounts }> {
    this.pruneBuckets(this.bucketStart(this.clock.now()));
    return [...this.buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([bucketStartMs, bucket]) => ({
        bucketStartMs,
        local: cloneBucketCounts(bucket.local),
        remote: cloneBucketCounts(bucket.remote),
      }));
  }

  private bucketAt(start: number): Bucket {
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { local: emptyBucketCounts(), remote: emptyBucketCounts() };
      this.buckets.set(start, bucket);
      this.pruneBuckets(this.bucketStart(this.clock.now()));
    }
    return bucket;
  }

  private pruneBuckets(current: number): void {
    for (const [start, bucket] of this.buckets) {
      if (start > current - this.windowMs) continue;
      this.buckets.delete(start);
      if (this.totalsStale) continue;
      subtractCounts(this.totals, bucket.local);
      subtractCounts(this.totals, bucket.remote);
    }
  }

  /** The running count totals, recomputed from the buckets when remote counts made them stale. */
  private countTotals(): BucketCounts {
    if (this.totalsStale) {
      this.totals = emptyBucketCounts();
      for (const bucket of this.buckets.values()) {
        addCounts(this.totals, bucket.local);
        addCounts(this.totals, bucket.remote);
      }
      this.totalsStale = false;
    }
    return this.totals;
  }

  // Nobody may ever take the deltas (no shared store configured): keep at most one window of them.
  private prunePending(current: number): void {
    for (const start of this.pendingLocal.keys()) {
      if (start <= current - this.windowMs) this.pendingLocal.delete(start);
    }
  }
}

/** Takes the counters of a bucket leaving the window out of `into`; a kind counted down to 0 is removed. */
function subtractCounts(into: BucketCounts, from: BucketCounts): void {
  into.attempts -= from.attempts;
  into.successes -= from.successes;
  into.failures -= from.failures;
  for (const kind in from.failuresByKind) {
    const key = kind as keyof BucketCounts['failuresByKind'];
    const left = (into.failuresByKind[key] ?? 0) - (from.failuresByKind[key] ?? 0);
    if (left > 0) into.failuresByKind[key] = left;
    else delete into.failuresByKind[key];
  }
}

/** Adds the counters of `from` into `into`, leaving the latency histograms alone. */
function addCounts(into: BucketCounts, from: BucketCounts): void {
  into.attempts += from.attempts;
  into.successes += from.successes;
  into.failures += from.failures;
  // Every outcome sums the window's buckets: a plain loop, no entry arrays (the map is usually empty).
  for (const kind in from.failuresByKind) {
    const key = kind as keyof BucketCounts['failuresByKind'];
    into.failuresByKind[key] = (into.failuresByKind[key] ?? 0) + (from.failuresByKind[key] ?? 0);
  }
}
