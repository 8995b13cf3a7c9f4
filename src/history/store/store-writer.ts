// Writes rollups to the store off the request path. Callers enqueue rollup rows into memory
// (never throwing, never awaiting I/O); a timer on the injected clock flushes them in batches. When the
// store is slow or down the writer keeps everything and retries with exponential backoff and jitter;
// only beyond a large cap does it drop the oldest rollup rows, counting and logging it. Rollup rows for
// the same minute and key are added together while they wait, so an outage of hours stays small.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../util/clock.js';
import { systemRandom, type Random } from '../../util/random.js';
import type { IncidentStore, StoreLogger } from './incident-store.js';
import { StoreAvailability } from './store-availability.js';
import { addRollup, copyRollup, rollupKey } from './rollup-math.js';
import type { RollupRow } from './rollup-rows.js';

export interface StoreWriterOptions {
  store: Pick<IncidentStore, 'writeRollups'>;
  clock: Clock;
  /** Jitter of the retry delay. */
  random?: Random;
  /** Prefix of batch ids, for reading the database. */
  replicaId?: string;
  logger?: StoreLogger;
  /** Shared with the other writers to the same store, so an outage is logged once (default: its own). */
  availability?: StoreAvailability;
  /** How long rows wait before a flush (default 1 s). */
  flushIntervalMs?: number;
  /** Pending rows kept while the store is down (default 100,000); the oldest go first beyond it. */
  maxPending?: number;
  /** Rows per store transaction (default 500). */
  maxBatchRows?: number;
  /** First retry delay (default 500 ms), doubled per consecutive failure up to retryMaxMs (default 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

interface Batch {
  id: string;
  rows: RollupRow[];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class StoreWriter {
  private readonly store: StoreWriterOptions['store'];
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger?: StoreLogger;
  private readonly replicaId: string;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly maxBatchRows: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  /** Waiting rows by rollup key, oldest first (Map keeps insertion order). */
  private readonly rollups = new Map<string, RollupRow>();
  /** The batch being written, retried as is (same id) until the store takes it. */
  private inFlight?: Batch;
  private cancelTimer?: () => void;
  private running?: Promise<boolean>;
  private closed = false;
  private consecutiveFailures = 0;
  private failed = 0;
  private dropped = 0;
  private droppedSinceLog = 0;
  private readonly availability: StoreAvailability;
  private closedDropLogged = false;
  private lastWritten: number;

  constructor(options: StoreWriterOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.random = options.random ?? systemRandom;
    this.logger = options.logger;
    this.availability = options.availability ?? new StoreAvailability(options.logger);
    this.replicaId = options.replicaId ?? 'writer';
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.maxPending = options.maxPending ?? 100_000;
    this.maxBatchRows = options.maxBatchRows ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.lastWritten = this.clock.now();
  }

  /** Rows not yet in the store (including a batch being written). */
  get pending(): number {
    return this.rollups.size + (this.inFlight?.rows.length ?? 0);
  }

  /** Store writes that failed (each is retried). */
  get failedWrites(): number {
    return this.failed;
  }

  /** Writes that failed in a row since the last one the store took (0: the store is taking writes). */
  get consecutiveFailedWrites(): number {
    return this.consecutiveFailures;
  }

  /** Clock time of the last write the store took, or of the writer's start. */
  get lastWrittenAt(): number {
    return this.lastWritten;
  }

  /** Rows given up because the cap was reached or the writer was closed. */
  get droppedWrites(): number {
    return this.dropped;
  }

  enqueueRollup(row: RollupRow): void {
    try {
      if (this.rejectClosed(1)) return;
      const key = rollupKey(row);
      const waiting = this.rollups.get(key);
      if (waiting) addRollup(waiting, row);
      else this.rollups.set(key, copyRollup(row));
      this.afterEnqueue();
    } catch (error) {
      this.logger?.warn({ error: describe(error) }, 'incident store writer could not queue a rollup row');
    }
  }

  enqueueRollups(rows: Iterable<RollupRow>): void {
    for (const row of rows) this.enqueueRollup(row);
  }

  /** Writes everything now (ignoring a pending backoff). True when nothing is left. */
  async flush(): Promise<boolean> {
    while (this.running) await this.running;
    const run = this.drain();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  /** Stops the timer and makes a last attempt; what still cannot be written is logged, not hidden. */
  async close(): Promise<boolean> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const done = await this.flush();
    if (!done) this.logger?.warn({ pending: this.pending }, 'incident store writer closed with unwritten rows');
    return done;
  }

  private rejectClosed(count: number): boolean {
    if (!this.closed) return false;
    this.dropped += count;
    if (!this.closedDropLogged) {
      this.closedDropLogged = true;
      this.logger?.warn({}, 'incident store writer is closed; later writes are dropped (counted in droppedWrites)');
    }
    return true;
  }

  private afterEnqueue(): void {
    this.enforceCap();
    if (!this.cancelTimer) this.scheduleFlush(this.flushIntervalMs);
  }

  /** Beyond the cap, the oldest rollup rows go first. */
  private enforceCap(): void {
    let droppedNow = 0;
    while (this.pending > this.maxPending) {
      const oldest = this.rollups.keys().next();
      if (oldest.done) break;
      this.rollups.delete(oldest.value);
      droppedNow += 1;
    }
    if (droppedNow === 0) return;
    this.dropped += droppedNow;
    if (this.droppedSinceLog === 0) {
      this.logger?.warn(
        { maxPending: this.maxPending },
        'incident store writer is full: dropping the oldest rollup rows until the store is back',
      );
    }
    this.droppedSinceLog += droppedNow;
  }

  private scheduleFlush(delayMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.clock.schedule(delayMs, () => {
      this.cancelTimer = undefined;
      void this.flush();
    });
  }

  private takeBatch(): Batch {
    const rows: RollupRow[] = [];
    for (const [key, row] of this.rollups) {
      if (rows.length >= this.maxBatchRows) break;
      rows.push(row);
      this.rollups.delete(key);
    }
    return { id: `${this.replicaId}:${randomUUID()}`, rows };
  }

  private async drain(): Promise<boolean> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    for (;;) {
      if (!this.inFlight && this.rollups.size > 0) this.inFlight = this.takeBatch();
      const batch = this.inFlight;
      if (!batch) return true;
      try {
        await this.store.writeRollups(batch.rows, { batchId: batch.id });
        this.inFlight = undefined;
      } catch (error) {
        this.onFailure(error);
        return false;
      }
      this.onSuccess();
    }
  }

  private onFailure(error: unknown): void {
    this.failed += 1;
    this.consecutiveFailures += 1;
    this.availability.failed(error, this.pending);
    if (this.closed) return;
    const exponential = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.consecutiveFailures - 1));
    // Jitter, so replicas that lost the same database do not all come back at the same instant.
    this.scheduleFlush(Math.round(exponential * (0.5 + 0.5 * this.random.next())));
  }

  private onSuccess(): void {
    this.lastWritten = this.clock.now();
    this.availability.succeeded(this.pending);
    this.consecutiveFailures = 0;
    if (this.droppedSinceLog > 0) {
      this.logger?.warn(
        { dropped: this.droppedSinceLog, droppedTotal: this.dropped },
        'incident store writer dropped rollup rows while full',
      );
      this.droppedSinceLog = 0;
    }
  }
}
