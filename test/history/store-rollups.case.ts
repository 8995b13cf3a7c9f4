// Part of the shared store suite (store.case.ts): rollups written by two replicas and summed into
// availability figures checked against numbers worked out by hand, and retention.
import { describe, expect, it, vi } from 'vitest';
import { addSample, type LatencyHistogram } from '../../src/health/latency-histogram.js';
import { incidentFixture } from '../../src/incidents/incident-test-kit.js';
import type { DeploymentRollupRow, KeyRollupRow, RouteRollupRow } from '../../src/history/store/rollup-rows.js';
import type { StoreSuiteContext } from './store.case.js';
import { delivery } from './store-delivery-claims.case.js';

const minute = 60_000;
const dayMs = 24 * 60 * minute;

function latency(samples: Array<[ms: number, count: number]>): LatencyHistogram {
  const histogram: LatencyHistogram = {};
  for (const [ms, count] of samples) for (let index = 0; index < count; index += 1) addSample(histogram, ms);
  return histogram;
}

function deploymentRow(at: number, deployment: string, fields: Partial<DeploymentRollupRow>): DeploymentRollupRow {
  return {
    kind: 'deployment',
    minute: at,
    deployment,
    attempts: 0,
    successes: 0,
    failuresByKind: {},
    latency: {},
    ejectedMs: 0,
    ...fields,
  };
}

function routeRow(at: number, route: string, fields: Partial<RouteRollupRow>): RouteRollupRow {
  return {
    kind: 'route',
    minute: at,
    route,
    requests: 0,
    successes: 0,
    failures: 0,
    failovers: 0,
    extraLatencyMsSum: 0,
    ...fields,
  };
}

function keyRow(at: number, key: string, fields: Partial<KeyRollupRow>): KeyRollupRow {
  return {
    kind: 'key',
    minute: at,
    key,
    requests: 0,
    successes: 0,
    failures: 0,
    failovers: 0,
    inputTokens: 0,
    outputTokens: 0,
    ...fields,
  };
}

/** A deployment, a route and a key rollup row of one minute, each with `count` successful requests. */
function oneOfEachRollup(at: number, count: number) {
  return [
    deploymentRow(at, 'claude', { attempts: count, successes: count }),
    routeRow(at, 'sonnet', { requests: count, successes: count }),
    keyRow(at, 'team-ci', { requests: count, successes: count }),
  ];
}

export function runRollupAndRetentionCases(context: StoreSuiteContext): void {
  describe('rollups and availability', () => {
    const m0 = Math.floor(1_700_000_000_000 / minute) * minute;
    const [m1, m2] = [m0 + minute, m0 + 2 * minute];

    it('adds up rows from two replicas and computes availability over a range', async () => {
      const { a, b } = await context.twoReplicas();
      await a.writeRollups([
        deploymentRow(m0 + 15_000, 'claude', {
          attempts: 10,
          successes: 8,
          failuresByKind: { server: 2 },
          latency: latency([[100, 8]]),
        }),
        deploymentRow(m1, 'claude', {
          attempts: 6,
          successes: 3,
          failuresByKind: { server: 2 },
          latency: latency([[100, 3]]),
          ejectedMs: 20_000,
        }),
        deploymentRow(m1, 'gpt', { attempts: 4, successes: 4, latency: latency([[400, 4]]) }),
        routeRow(m0, 'sonnet', {
          requests: 20,
          successes: 20,
          failovers: 2,
          extraLatencyMsSum: 600,
          hedges: 3,
          hedgesWon: 2,
        }),
        routeRow(m1, 'sonnet', { requests: 5, successes: 5 }),
        routeRow(m1, 'gpt', { requests: 4, successes: 3, failures: 1 }),
      ]);
      // The same replica's next flush for the same minute adds to it.
      await a.writeRollups([
        deploymentRow(m1 + 59_999, 'claude', {
          attempts: 4,
          successes: 2,
          failuresByKind: { server: 1, timeout: 2 },
          latency: latency([[100, 2]]),
          ejectedMs: 10_000,
        }),
      ]);
      await b.writeRollups([
        deploymentRow(m0, 'claude', { attempts: 10, successes: 10, latency: latency([[100, 10]]) }),
        deploymentRow(m1, 'claude', {
          attempts: 6,
          successes: 1,
          failuresByKind: { timeout: 5 },
          latency: latency([[1_000, 1]]),
          ejectedMs: 45_000,
        }),
        routeRow(m0, 'sonnet', { requests: 10, successes: 9, failures: 1, failovers: 3, extraLatencyMsSum: 1_500 }),
        routeRow(m0, 'sonnet', { hedges: 1, hedgesWon: 1 }),
        // Outside [m0, m2):
        deploymentRow(m2, 'claude', { attempts: 100, successes: 0, failuresByKind: { server: 100 } }),
        deploymentRow(m0 - minute, 'claude', { attempts: 100, successes: 100 }),
        routeRow(m2, 'sonnet', { requests: 100, failures: 100 }),
      ]);

      // claude: 10+10+10+6 attempts, 8+10+5+1 successes; ejected in m1 is 30 s for a (20 + 10) and 45 s
      // for b, which is one ejection seen by both: 45 s. Latencies: 23 at 100 ms, 1 at 1,000 ms; the
      // histogram's bucket values for them are 99 ms and 939 ms, and the 24th of 24 samples is the p99.
      expect(await b.deploymentAvailability({ since: m0, until: m2 })).toEqual([
        {
          deployment: 'claude',
          attempts: 36,
          successes: 24,
          failures: 12,
          successRate: 24 / 36,
          failuresByKind: { server: 5, timeout: 7 },
          latency: { count: 24, p50: 99, p95: 99, p99: 939 },
          ejectedMs: 45_000,
        },
        {
          deployment: 'gpt',
          attempts: 4,
          successes: 4,
          failures: 0,
          successRate: 1,
          failuresByKind: {},
          latency: { count: 4, p50: 395, p95: 395, p99: 395 },
          ejectedMs: 0,
        },
      ]);
      expect(await a.routeAvailability({ since: m0, until: m2 })).toEqual([
        {
          route: 'gpt',
          requests: 4,
          successes: 3,
          failures: 1,
          successRate: 0.75,
          failovers: 0,
          extraLatencyMsSum: 0,
          hedges: 0,
          hedgesWon: 0,
          averageExtraLatencyMs: null,
        },
        {
          route: 'sonnet',
          requests: 35,
          successes: 34,
          failures: 1,
          successRate: 34 / 35,
          failovers: 5,
          extraLatencyMsSum: 2_100,
          hedges: 4,
          hedgesWon: 3,
          averageExtraLatencyMs: 420,
        },
      ]);
      // A range with one minute only.
      expect(
        (await a.deploymentAvailability({ since: m2, until: m2 + minute })).map((row) => [
          row.deployment,
          row.attempts,
          row.successRate,
          row.latency,
        ]),
      ).toEqual([['claude', 100, 0, null]]);
      expect(await a.routeAvailability({ since: m2 + minute, until: m2 + 10 * minute })).toEqual([]);
    });

    it('sums each gateway key by name across replicas and minutes, apart from routes and deployments', async () => {
      const { a, b } = await context.twoReplicas();
      await a.writeRollups([
        keyRow(m0, 'team-ci', {
          requests: 3,
          successes: 2,
          failures: 1,
          failovers: 1,
          inputTokens: 30,
          outputTokens: 9,
        }),
        keyRow(m0 + 5_000, 'team-ci', { requests: 1, successes: 1, inputTokens: 10, outputTokens: 4 }),
        keyRow(m0, 'team-app', { requests: 2, successes: 2, inputTokens: 20, outputTokens: 6 }),
      ]);
      await b.writeRollups([
        keyRow(m1, 'team-ci', { requests: 4, successes: 4, failovers: 2, inputTokens: 40, outputTokens: 12 }),
      ]);
      expect(await a.keyUsage({ since: m0, until: m2 })).toEqual([
        {
          key: 'team-app',
          requests: 2,
          successes: 2,
          failures: 0,
          successRate: 1,
          failovers: 0,
          inputTokens: 20,
          outputTokens: 6,
        },
        {
          key: 'team-ci',
          requests: 8,
          successes: 7,
          failures: 1,
          successRate: 7 / 8,
          failovers: 3,
          inputTokens: 80,
          outputTokens: 25,
        },
      ]);
      // The window is by minute: only the first minute's rows.
      expect((await b.keyUsage({ since: m0, until: m1 })).map((row) => [row.key, row.requests])).toEqual([
        ['team-app', 2],
        ['team-ci', 4],
      ]);
      expect(await a.routeAvailability({ since: m0, until: m2 })).toEqual([]);
      expect(await a.deploymentAvailability({ since: m0, until: m2 })).toEqual([]);
    });

    it('skips a batch it has already applied, so a retried write does not count twice', async () => {
      const { a } = await context.twoReplicas();
      const rows = [
        deploymentRow(m0, 'claude', { attempts: 3, successes: 3 }),
        routeRow(m0, 'sonnet', { requests: 3, successes: 3 }),
      ];
      expect(await a.writeRollups(rows, { batchId: 'a:1' })).toEqual({ applied: true });
      expect(await a.writeRollups(rows, { batchId: 'a:1' })).toEqual({ applied: false });
      expect(await a.writeRollups(rows, { batchId: 'a:2' })).toEqual({ applied: true });
      expect((await a.deploymentAvailability({ since: m0, until: m1 }))[0]?.attempts).toBe(6);
      expect((await a.routeAvailability({ since: m0, until: m1 }))[0]?.requests).toBe(6);
    });
  });

  describe('retention', () => {
    it('prunes old rollups, resolved incidents and finished alerts, and keeps what is open or pending', async () => {
      const { a } = await context.twoReplicas();
      const start = context.clock.now();
      const oldMinute = Math.floor(start / minute) * minute;
      await a.writeRollups(oneOfEachRollup(oldMinute, 1));
      const oldResolved = await a.saveIncident(
        incidentFixture({
          id: 'old-resolved',
          scope: 'deployment',
          key: 'claude',
          detectedAt: start,
          resolvedAt: start + 1_000,
        }),
      );
      const oldOpen = await a.saveIncident(
        incidentFixture({ id: 'old-open', scope: 'provider', key: 'anthropic', detectedAt: start }),
      );
      for (const key of ['sent', 'abandoned', 'pending']) await a.claimAlertDelivery(delivery(key, { at: start }));
      await a.recordAlertOutcome('sent', 'webhook', { status: 'sent', at: start, attempts: 1 });
      await a.recordAlertOutcome('abandoned', 'webhook', {
        status: 'abandoned',
        at: start,
        attempts: 1,
        error: 'gave up',
      });

      await context.clock.advance(3 * dayMs);
      const now = context.clock.now();
      const recentMinute = Math.floor(now / minute) * minute;
      await a.writeRollups(oneOfEachRollup(recentMinute, 2));
      const recentResolved = await a.saveIncident(
        incidentFixture({
          id: 'recent',
          scope: 'deployment',
          key: 'claude',
          detectedAt: now - 5_000,
          resolvedAt: now - 1_000,
        }),
      );

      expect(await a.pruneOlderThan(now - dayMs)).toEqual({ rollups: 3, incidents: 1, alerts: 2 });
      expect(await a.getIncident(oldResolved.id)).toBeUndefined();
      expect(await a.getIncident(oldOpen.id)).toBeDefined();
      expect(await a.getIncident(recentResolved.id)).toBeDefined();
      expect(
        (await context.backend.rawQuery(a, 'SELECT dedup_key FROM alert_outbox')).map((row) => row.dedup_key),
      ).toEqual(['pending']);
      expect((await a.deploymentAvailability({ since: 0, until: now + minute })).map((row) => row.attempts)).toEqual([
        2,
      ]);
      expect((await a.routeAvailability({ since: 0, until: now + minute })).map((row) => row.requests)).toEqual([2]);
      expect((await a.keyUsage({ since: 0, until: now + minute })).map((row) => row.requests)).toEqual([2]);
      expect(await a.pruneOlderThan(now - dayMs)).toEqual({ rollups: 0, incidents: 0, alerts: 0 });
    });

    it('prunes at open and then hourly when retentionDays is set', async () => {
      const { a, open } = await context.twoReplicas();
      const written = context.clock.now();
      await a.writeRollups([routeRow(written, 'sonnet', { requests: 1, successes: 1 })]);
      await context.clock.advance(2 * dayMs);
      const routes = async () =>
        (await a.routeAvailability({ since: 0, until: context.clock.now() + minute })).map((row) => row.requests);
      expect(await routes()).toEqual([1]);

      await open({ replicaId: 'pruner', retentionDays: 1 });
      await vi.waitFor(async () => expect(await routes()).toEqual([]));

      await a.writeRollups([routeRow(context.clock.now() - 2 * dayMs, 'sonnet', { requests: 5, successes: 5 })]);
      expect(await routes()).toEqual([5]);
      await context.clock.advance(60 * minute);
      await vi.waitFor(async () => expect(await routes()).toEqual([]));
    });
  });
}
