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

  /**
   * Takes one hedge from the budget: the start of the bucket it was counted in (to give it back or
   * return it), or undefined (counted as denied) when it would exceed the ratio.
   */
  tryTake(): number | undefined {
    const totals = this.totals();
    const start = this.bucketStart();
    const bucket = this.bucket(start);
    if (totals.hedges - totals.won + 1 > this.settings.ratio * totals.requests) {
      bucket.denied += 1;
      return undefined;
    }
    bucket.hedges += 1;
    return start;
  }

  /**
   * A hedge taken from the budget (in the bucket `takenIn`) served its request: it is given back, in
   * the bucket it was counted in, so both leave the window together (counted in the bucket of the
   * win, a hedge taken just before a bucket edge left `won` above `hedges` once its own bucket aged
   * out, and the budget granted hedges it did not have).
   */
  giveBack(takenIn: number): void {
    const bucket = this.buckets.get(takenIn);
    if (bucket) bucket.won += 1;
  }

  /** A hedge taken from the budget was not sent after all (its deployment refused it): it is returned. */
  untake(takenIn: number): void {
    const bucket = this.buckets.get(takenIn);
    if (bucket && bucket.hedges > bucket.won) bucket.hedges -= 1;
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

  private bucketStart(): number {
    return Math.floor(this.clock.now() / bucketMs) * bucketMs;
  }

  private bucket(start = this.bucketStart()): Bucket {
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { requests: 0, hedges: 0, won: 0, denied: 0 };
      this.buckets.set(start, bucket);
    }
    return bucket;
  }
}
