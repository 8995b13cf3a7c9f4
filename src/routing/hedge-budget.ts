// The hedge budget: hedges may add at most `ratio` extra upstream requests over a sliding window of
// first attempts (5% over 10 s by default), so hedging never doubles the load on a fleet in a
// brownout, when every attempt is slow and every one would hedge. A hedge that wins is given back:
// it served the request its first attempt could not (the first attempt is abandoned at once), so it
// is no waste — and when one deployment's first token slows to 20 s, every request needs one until
// health has taken it out, which a budget of wasted hedges must not refuse after the twelfth. In a
// brownout that slows every deployment, hedges lose about as often as they win, so the budget still
// bounds them. Counted per gateway replica, in whole-second buckets read from the injected clock.
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
  /** Hedges that served their request (given back to the budget). */
  won: number;
  /** Hedges that were due but not sent because the budget was spent. */
  denied: number;
}

interface Bucket {
  requests: number;
  hedges: number;
  won: number;
  denied: number;
}

const bucketMs = 1_000;

export class HedgeBudget {
  private readonly buckets = new Map<number, Bucket>();

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
    if (totals.hedges - totals.won + 1 > this.settings.ratio * totals.requests) {
      bucket.denied += 1;
      return false;
    }
    bucket.hedges += 1;
    return true;
  }

  /** A hedge taken from the budget served its request: it is given back. */
  giveBack(): void {
    this.bucket().won += 1;
  }

  snapshot(): HedgeBudgetSnapshot {
    return { ratio: this.settings.ratio, windowMs: this.settings.windowMs, ...this.totals() };
  }

  private totals(): Bucket {
    const oldest = this.clock.now() - this.settings.windowMs;
    const totals = { requests: 0, hedges: 0, won: 0, denied: 0 };
    for (const [start, bucket] of this.buckets) {
      if (start + bucketMs <= oldest) {
        this.buckets.delete(start);
        continue;
      }
      totals.requests += bucket.requests;
      totals.hedges += bucket.hedges;
      totals.won += bucket.won;
      totals.denied += bucket.denied;
    }
    return totals;
  }

  private bucket(): Bucket {
    const start = Math.floor(this.clock.now() / bucketMs) * bucketMs;
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { requests: 0, hedges: 0, won: 0, denied: 0 };
      this.buckets.set(start, bucket);
    }
    return bucket;
  }
}
