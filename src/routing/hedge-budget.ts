// The hedge budget: hedges may add at most `ratio` extra upstream requests over a sliding window of
// first attempts (5% over 10 s by default), so hedging never doubles the load on a fleet in a
// brownout, when every attempt is slow and every one would hedge. Counted per gateway replica, in
// whole-second buckets read from the injected clock.
import type { Clock } from '../util/clock.js';

export interface HedgeBudgetSettings {
  ratio: number;
  windowMs: number;
}

export interface HedgeBudgetSnapshot {
  ratio: number;
  windowMs: number;
  requests: number;
  hedges: number;
  /** Hedges that were due but not sent because the budget was spent. */
  denied: number;
}

const bucketMs = 1_000;

export class HedgeBudget {
  private readonly buckets = new Map<number, { requests: number; hedges: number; denied: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly settings: HedgeBudgetSettings,
  ) {}

  /** A request that may hedge started its first attempt. */
  noteRequest(): void {
    this.bucket().requests += 1;
  }

  /** Takes one hedge from the budget; false (and counted as denied) when it would exceed the ratio. */
  tryTake(): boolean {
    const totals = this.totals();
    const bucket = this.bucket();
    if (totals.hedges + 1 > this.settings.ratio * totals.requests) {
      bucket.denied += 1;
      return false;
    }
    bucket.hedges += 1;
    return true;
  }

  snapshot(): HedgeBudgetSnapshot {
    return { ratio: this.settings.ratio, windowMs: this.settings.windowMs, ...this.totals() };
  }

  private totals(): { requests: number; hedges: number; denied: number } {
    const oldest = this.clock.now() - this.settings.windowMs;
    const totals = { requests: 0, hedges: 0, denied: 0 };
    for (const [start, bucket] of this.buckets) {
      if (start + bucketMs <= oldest) {
        this.buckets.delete(start);
        continue;
      }
      totals.requests += bucket.requests;
      totals.hedges += bucket.hedges;
      totals.denied += bucket.denied;
    }
    return totals;
  }

  private bucket(): { requests: number; hedges: number; denied: number } {
    const start = Math.floor(this.clock.now() / bucketMs) * bucketMs;
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { requests: 0, hedges: 0, denied: 0 };
      this.buckets.set(start, bucket);
    }
    return bucket;
  }
}
