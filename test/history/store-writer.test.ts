// StoreWriter on a ManualClock, in front of a real SQLite store (a temp file) wrapped so that a test can
// make writes fail: batching off the request path, retries with backoff that lose nothing, a retried
// batch that had in fact been committed, the cap, and enqueue methods that never throw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentStore } from '../../src/history/store/incident-store.js';
import type { RollupRow, RouteRollupRow, WriteRollupsOptions } from '../../src/history/store/rollup-rows.js';
import { SqliteStore } from '../../src/history/store/sqlite-store.js';
import { StoreWriter, type StoreWriterOptions } from '../../src/history/store/store-writer.js';
import { ManualClock } from '../support/manual-clock.js';

const minute = 60_000;
const m0 = Math.floor(1_700_000_000_000 / minute) * minute;

function routeRow(at: number, requests: number, route = 'sonnet'): RouteRollupRow {
  return {
    kind: 'route',
    minute: at,
    route,
    requests,
    successes: requests,
    failures: 0,
    failovers: 0,
    extraLatencyMsSum: 0,
  };
}

/** The real store, with writes that fail while `failuresLeft` > 0 and a record of every attempt. */
class FlakyStore implements Pick<IncidentStore, 'writeRollups'> {
  failuresLeft = 0;
  /** Fail after the real write committed, as when the connection drops before the commit is acknowledged. */
  failAfterCommit = 0;
  attempts: Array<{ at: number; rows: number; batchId?: string }> = [];

  constructor(
    readonly inner: IncidentStore,
    private readonly clock: ManualClock,
  ) {}

  async writeRollups(rows: readonly RollupRow[], options?: WriteRollupsOptions) {
    this.attempts.push({ at: this.clock.now(), rows: rows.length, batchId: options?.batchId });
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }
    const result = await this.inner.writeRollups(rows, options);
    if (this.failAfterCommit > 0) {
      this.failAfterCommit -= 1;
      throw new Error('Connection terminated unexpectedly');
    }
    return result;
  }
}

describe('StoreWriter', () => {
  let folder: string;
  let clock: ManualClock;
  let inner: SqliteStore;
  let store: FlakyStore;
  let logs: Array<{ level: string; message: string; object: object }>;
  const writers: StoreWriter[] = [];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'switchyard-writer-'));
    clock = new ManualClock();
    inner = await SqliteStore.open(join(folder, 'switchyard.db'), { clock, replicaId: 'a' });
    store = new FlakyStore(inner, clock);
    logs = [];
  });

  afterEach(async () => {
    for (const writer of writers.splice(0)) await writer.close();
    await inner.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function writer(options: Partial<StoreWriterOptions> = {}): StoreWriter {
    const created = new StoreWriter({
      store,
      clock,
      random: { next: () => 1 }, // no jitter: delays are exactly 500, 1000, 2000 ...
      replicaId: 'a',
      flushIntervalMs: 1_000,
      retryBaseMs: 500,
      retryMaxMs: 4_000,
      logger: {
        warn: (object, message) => logs.push({ level: 'warn', message, object }),
        info: (object, message) => logs.push({ level: 'info', message, object }),
      },
      ...options,
    });
    writers.push(created);
    return created;
  }

  async function requestsPerMinute(): Promise<number[]> {
    const routes = await inner.routeAvailability({ since: 0, until: m0 + 100 * minute });
    return routes.map((route) => route.requests);
  }

  async function totalRequests(): Promise<number> {
    return (await requestsPerMinute()).reduce((sum, value) => sum + value, 0);
  }

  it('queues without touching the store, then writes one coalesced batch per flush interval', async () => {
    const batching = writer();
    batching.enqueueRollup(routeRow(m0, 2));
    batching.enqueueRollup(routeRow(m0 + 30_000, 3)); // same minute and route: added while waiting
    batching.enqueueRollups([
      routeRow(m0 + minute, 4),
      {
        kind: 'deployment',
        minute: m0,
        deployment: 'claude',
        attempts: 5,
        successes: 5,
        failuresByKind: {},
        latency: {},
        ejectedMs: 0,
      },
    ]);
    expect(store.attempts).toEqual([]);
    expect(batching.pending).toBe(3);

    await clock.advance(999);
    expect(store.attempts).toEqual([]);
    await clock.advance(1);
    expect(store.attempts.map((attempt) => attempt.rows)).toEqual([3]);
    expect(batching.pending).toBe(0);
    expect(await inner.routeAvailability({ since: m0, until: m0 + minute })).toMatchObject([
      { route: 'sonnet', requests: 5 },
    ]);
    expect((await inner.deploymentAvailability({ since: m0, until: m0 + minute }))[0]?.attempts).toBe(5);
    // Nothing left: no more timers.
    expect(clock.pendingSleepers).toBe(0);
  });

  it('splits a large backlog into batches of maxBatchRows', async () => {
    const batching = writer({ maxBatchRows: 4 });
    for (let index = 0; index < 10; index += 1) batching.enqueueRollup(routeRow(m0 + index * minute, 1));
    await clock.advance(1_000);
    expect(store.attempts.map((attempt) => attempt.rows)).toEqual([4, 4, 2]);
    expect(await totalRequests()).toBe(10);
  });

  it('loses nothing when the store fails three times: retries the same batch with growing backoff', async () => {
    const retrying = writer();
    const start = clock.now();
    store.failuresLeft = 3;
    retrying.enqueueRollup(routeRow(m0, 1));
    await clock.advance(1_000);
    expect(retrying.failedWrites).toBe(1);
    // Rows keep arriving during the outage.
    retrying.enqueueRollup(routeRow(m0, 10));
    retrying.enqueueRollup(routeRow(m0 + minute, 100));
    await clock.advance(500);
    expect(retrying.failedWrites).toBe(2);
    await clock.advance(999);
    expect(store.attempts).toHaveLength(2);
    await clock.advance(1);
    expect(retrying.failedWrites).toBe(3);
    expect(retrying.pending).toBe(3);
    await clock.advance(2_000);

    expect(store.attempts.map((attempt) => attempt.at - start)).toEqual([1_000, 1_500, 2_500, 4_500, 4_500]);
    const batchIds = store.attempts.map((attempt) => attempt.batchId);
    expect(new Set(batchIds.slice(0, 4)).size).toBe(1); // the first batch, retried as is
    expect(batchIds[4]).not.toBe(batchIds[0]);
    expect(retrying.pending).toBe(0);
    expect(retrying.failedWrites).toBe(3);
    expect(retrying.droppedWrites).toBe(0);
    expect(await requestsPerMinute()).toEqual([111]);
    expect(await inner.routeAvailability({ since: m0, until: m0 + minute })).toMatchObject([{ requests: 11 }]);
    expect(logs.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'incident store unavailable: writes are kept in memory and retried'],
      ['info', 'incident store available again'],
    ]);
  });

  it('caps the backoff at retryMaxMs during a long outage', async () => {
    const retrying = writer();
    store.failuresLeft = 6;
    retrying.enqueueRollup(routeRow(m0, 1));
    await clock.advance(1_000 + 500 + 1_000 + 2_000 + 4_000 + 4_000 + 4_000);
    const gaps = store.attempts.slice(1).map((attempt, index) => attempt.at - store.attempts[index]!.at);
    expect(gaps).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(await totalRequests()).toBe(1);
  });

  it('does not count a batch twice when its commit went through but the acknowledgement was lost', async () => {
    const retrying = writer();
    store.failAfterCommit = 1;
    retrying.enqueueRollup(routeRow(m0, 7));
    await clock.advance(1_000);
    expect(retrying.failedWrites).toBe(1);
    await clock.advance(500);
    expect(retrying.pending).toBe(0);
    expect(await totalRequests()).toBe(7);
  });

  it('drops the oldest rows beyond the cap, counts and logs it, and keeps the rest', async () => {
    const capped = writer({ maxPending: 5 });
    store.failuresLeft = 1;
    for (let index = 0; index < 8; index += 1) capped.enqueueRollup(routeRow(m0 + index * minute, index + 1));
    expect(capped.pending).toBe(5);
    expect(capped.droppedWrites).toBe(3);
    expect(logs.filter((line) => line.message.startsWith('incident store writer is full'))).toHaveLength(1);
    await clock.advance(1_000 + 500);
    // Minutes 3..7 (requests 4..8) were kept.
    expect(await requestsPerMinute()).toEqual([4 + 5 + 6 + 7 + 8]);
    expect(
      logs.find((line) => line.message === 'incident store writer dropped rollup rows while full')?.object,
    ).toEqual({ dropped: 3, droppedTotal: 3 });
  });

  it('never throws from enqueue, even for a malformed row or after close', async () => {
    const safe = writer();
    expect(() =>
      safe.enqueueRollup({ kind: 'deployment', minute: m0, deployment: 'x', latency: null } as unknown as RollupRow),
    ).not.toThrow();
    expect(logs.map((line) => line.message)).toEqual(['incident store writer could not queue a rollup row']);
    await safe.close();
    expect(() => safe.enqueueRollup(routeRow(m0, 1))).not.toThrow();
    expect(safe.droppedWrites).toBe(1);
  });

  it('flush() writes at once, ignoring a pending backoff; close() flushes what is left', async () => {
    const flushing = writer();
    store.failuresLeft = 1;
    flushing.enqueueRollup(routeRow(m0, 1));
    expect(await flushing.flush()).toBe(false);
    expect(await flushing.flush()).toBe(true);
    flushing.enqueueRollup(routeRow(m0, 2));
    expect(await flushing.close()).toBe(true);
    expect(await totalRequests()).toBe(3);

    const closingDuringOutage = writer();
    store.failuresLeft = 1;
    closingDuringOutage.enqueueRollup(routeRow(m0, 4));
    expect(await closingDuringOutage.close()).toBe(false);
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      message: 'incident store writer closed with unwritten rows',
      object: { pending: 1 },
    });
  });
});
