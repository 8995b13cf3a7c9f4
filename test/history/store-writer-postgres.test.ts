// A store outage mid-run on the real thing: StoreWriter in front of PostgresStore, the PostgreSQL
// server stopped (an immediate shutdown, like a crash) while rows keep being enqueued,
// then started again. Everything enqueued meanwhile is in the database after the resume, counted once.
// The writer runs on a ManualClock; the test waits for real database round trips by polling.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import type { DeploymentRollupRow, RouteRollupRow } from '../../src/history/store/rollup-rows.js';
import { PostgresStore } from '../../src/history/store/postgres-store.js';
import { StoreWriter } from '../../src/history/store/store-writer.js';
import { seededRandom } from '../../src/util/random.js';
import { ManualClock } from '../support/manual-clock.js';
import { TestPostgres } from '../support/postgres-server.js';

const minute = 60_000;
const m0 = Math.floor(1_700_000_000_000 / minute) * minute;

let server: TestPostgres;

beforeAll(async () => {
  server = await TestPostgres.start();
});

afterAll(async () => {
  await server?.destroy();
});

function route(at: number, requests: number, failovers: number): RouteRollupRow {
  return {
    kind: 'route',
    minute: at,
    route: 'sonnet',
    requests,
    successes: requests,
    failures: 0,
    failovers,
    extraLatencyMsSum: failovers * 300,
  };
}

function deployment(at: number, attempts: number, failures: number): DeploymentRollupRow {
  return {
    kind: 'deployment',
    minute: at,
    deployment: 'claude',
    attempts,
    successes: attempts - failures,
    failuresByKind: failures > 0 ? { connect: failures } : {},
    latency: {},
    ejectedMs: 0,
  };
}

describe('StoreWriter with PostgreSQL stopped mid-run', () => {
  it('keeps what was enqueued during the outage and writes it after the server is back', async () => {
    const admin = new pg.Pool({ connectionString: server.url, max: 1 });
    admin.on('error', () => {}); // its idle connection dies with the server if the test fails early
    await admin.query('CREATE DATABASE writer_outage');
    const clock = new ManualClock(m0);
    const warnings: string[] = [];
    const logger = { warn: (_object: object, message: string) => warnings.push(message), info: () => {} };
    const store = await PostgresStore.open(server.url.replace(/\/postgres$/, '/writer_outage'), {
      clock,
      replicaId: 'a',
      logger,
      connectTimeoutMs: 1_000,
    });
    const writer = new StoreWriter({
      store,
      clock,
      random: seededRandom(7),
      replicaId: 'a',
      logger,
      flushIntervalMs: 1_000,
      retryBaseMs: 500,
      retryMaxMs: 2_000,
    });
    try {
      writer.enqueueRollups([route(m0, 10, 1), deployment(m0, 10, 0)]);
      await clock.advance(1_000);
      await vi.waitFor(() => expect(writer.pending).toBe(0));

      // The test server runs with synchronous_commit=off, so an immediate stop would lose the last
      // commits (the schema included) in crash recovery; a checkpoint makes what was committed durable,
      // as synchronous_commit=on (PostgreSQL's default) does in production.
      await admin.query('CHECKPOINT');
      await admin.end();
      await server.stop();
      writer.enqueueRollups([
        route(m0, 5, 2),
        deployment(m0, 7, 7),
        route(m0 + minute, 20, 4),
        deployment(m0 + minute, 24, 4),
      ]);
      for (let round = 1; round <= 3; round += 1) {
        await clock.advance(2_000);
        await vi.waitFor(() => expect(writer.failedWrites).toBeGreaterThanOrEqual(round), { timeout: 10_000 });
      }
      writer.enqueueRollup(route(m0 + minute, 1, 0));
      expect(writer.pending).toBe(5);
      expect(writer.droppedWrites).toBe(0);

      await server.resume();
      await vi.waitFor(
        async () => {
          await clock.advance(2_000);
          expect(writer.pending).toBe(0);
        },
        { timeout: 10_000, interval: 20 },
      );

      expect(await store.routeAvailability({ since: m0, until: m0 + 2 * minute })).toEqual([
        {
          route: 'sonnet',
          requests: 36,
          successes: 36,
          failures: 0,
          successRate: 1,
          failovers: 7,
          extraLatencyMsSum: 2_100,
          hedges: 0,
          hedgesWon: 0,
          averageExtraLatencyMs: 300,
        },
      ]);
      expect(await store.deploymentAvailability({ since: m0, until: m0 + 2 * minute })).toMatchObject([
        { deployment: 'claude', attempts: 41, successes: 30, failures: 11, failuresByKind: { connect: 11 } },
      ]);
      expect(warnings.filter((message) => message.startsWith('incident store unavailable'))).toHaveLength(1);
    } finally {
      await writer.close();
      await store.close();
    }
  });
});
