// The availability report against a real SQLite store seeded with a known hour of traffic
// (report-test-traffic.ts works out every figure by hand).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { openStore } from '../store/open-store.js';
import type { IncidentStore } from '../store/incident-store.js';
import { buildAvailabilityReport } from './availability-report.js';
import { incidentsWithTimeline } from './incident-timeline.js';
import {
  deploymentProvider,
  minute,
  routeDeployments,
  seedKnownTraffic,
  windowEnd,
  windowStart,
} from './report-test-traffic.js';

let folder: string;
let store: IncidentStore;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-report-'));
  store = await openStore(
    { path: join(folder, 'switchyard.db') },
    { clock: new ManualClock(windowEnd), replicaId: 'test' },
  );
  await seedKnownTraffic(store);
});

afterEach(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

const build = (extra: Partial<Parameters<typeof buildAvailabilityReport>[1]> = {}) =>
  buildAvailabilityReport(store, {
    since: windowStart,
    until: windowEnd,
    now: windowEnd,
    deploymentProvider,
    routeDeployments,
    ...extra,
  });

describe('buildAvailabilityReport', () => {
  it('reports each deployment from its rollups, configured deployments without traffic included', async () => {
    const report = await build();
    expect(report.window).toEqual({
      since: windowStart,
      until: windowEnd,
      sinceIso: '2026-01-01T12:00:00.000Z',
      untilIso: '2026-01-01T13:00:00.000Z',
      durationMs: 3_600_000,
    });
    expect(report.generatedAt).toBe(windowEnd);
    expect(report.deployments).toEqual([
      {
        id: 'claude-bedrock',
        provider: 'bedrock',
        requests: 600,
        successes: 600,
        failures: 0,
        successRate: 1,
        failuresByKind: {},
        latency: { p50: 197, p95: 197, p99: 197 },
        timeEjectedMs: 0,
        incidents: 0,
      },
      {
        id: 'claude-direct',
        provider: 'anthropic',
        requests: 1_000,
        successes: 918,
        failures: 82,
        successRate: 0.918,
        failuresByKind: { overloaded: 60, server: 22 },
        latency: { p50: 99, p95: 395, p99: 1_878 },
        timeEjectedMs: 90_000,
        incidents: 1,
      },
      {
        id: 'claude-vertex',
        provider: 'vertex',
        requests: 100,
        successes: 99,
        failures: 1,
        successRate: 0.99,
        failuresByKind: { server: 1 },
        latency: { p50: 939, p95: 939, p99: 939 },
        timeEjectedMs: 0,
        incidents: 1,
      },
      {
        id: 'gpt-4o',
        provider: 'openai',
        requests: 0,
        successes: 0,
        failures: 0,
        successRate: null,
        failuresByKind: {},
        latency: null,
        timeEjectedMs: 0,
        incidents: 0,
      },
    ]);
  });

  it('reports routes as clients saw them, providers as attempts, and the difference failover made', async () => {
    const report = await build();
    expect(report.routes).toEqual([
      {
        route: 'opus',
        requests: 200,
        successes: 199,
        failures: 1,
        successRate: 0.995,
        failovers: 3,
        extraLatencyMs: 1_000,
        hedges: 0,
        hedgesWon: 0,
      },
      {
        route: 'sonnet',
        requests: 500,
        successes: 500,
        failures: 0,
        successRate: 1,
        failovers: 82,
        extraLatencyMs: 350,
        hedges: 12,
        hedgesWon: 9,
      },
    ]);
    expect(report.providers).toEqual([
      { provider: 'anthropic', deployments: ['claude-direct'], attempts: 1_000, successes: 918, successRate: 0.918 },
      { provider: 'bedrock', deployments: ['claude-bedrock'], attempts: 600, successes: 600, successRate: 1 },
      { provider: 'openai', deployments: ['gpt-4o'], attempts: 0, successes: 0, successRate: null },
      { provider: 'vertex', deployments: ['claude-vertex'], attempts: 100, successes: 99, successRate: 0.99 },
    ]);
    expect(report.headline).toEqual([
      'anthropic: 91.8% of attempts succeeded; clients of route opus: 99.5%; clients of route sonnet: 100.0%',
      'bedrock: 100.0% of attempts succeeded; clients of route sonnet: 100.0%',
      'vertex: 99.0% of attempts succeeded; clients of route opus: 99.5%',
      'all routes: 99.8% of 700 client requests succeeded; 85 served after failover',
    ]);
  });

  it('lists the incidents of the window oldest first, with durations, lead time over the status page and sorted timelines', async () => {
    const report = await build();
    expect(
      report.incidents.map((incident) => [
        incident.id,
        incident.scope,
        incident.key,
        incident.severity,
        incident.status,
        incident.durationMs,
        incident.leadTimeMs,
      ]),
    ).toEqual([
      ['inc-direct', 'deployment', 'claude-direct', 'major', 'resolved', 120_000, null],
      ['inc-domain', 'domain', 'anthropic-model-layer', 'critical', 'resolved', 150_000, 117_000],
      ['inc-vertex', 'deployment', 'claude-vertex', 'minor', 'open', 1_800_000, null],
    ]);
    const domain = report.incidents[1]!;
    expect(domain).toMatchObject({
      parentId: null,
      firstFailureAt: minute(10),
      detectedAt: minute(10) + 3_000,
      resolvedAt: minute(12) + 33_000,
      statusPage: { page: 'anthropic', incidentId: 'sp1', acknowledgedAt: minute(12) },
    });
    expect(domain.timeline.map((entry) => [entry.at - windowStart, entry.kind])).toEqual([
      [603_000, 'opened'],
      [720_000, 'status-page-acknowledged'],
      [753_000, 'resolved'],
    ]);
    expect(report.incidents[0]!.parentId).toBe('inc-domain');
  });

  it('narrows to a shorter window and works without the configuration maps', async () => {
    const report = await buildAvailabilityReport(store, { since: minute(11), until: minute(31), now: windowEnd });
    expect(
      report.deployments.map((deployment) => [
        deployment.id,
        deployment.provider,
        deployment.requests,
        deployment.timeEjectedMs,
      ]),
    ).toEqual([
      ['claude-direct', null, 300, 30_000],
      ['claude-vertex', null, 100, 0],
    ]);
    expect(report.providers).toEqual([
      {
        provider: 'unknown',
        deployments: ['claude-direct', 'claude-vertex'],
        attempts: 400,
        successes: 399,
        successRate: 399 / 400,
      },
    ]);
    expect(report.headline).toEqual([
      'unknown: 99.7% of attempts succeeded',
      'clients of route opus: 99.5%',
      'all routes: 99.5% of 200 client requests succeeded; 3 served after failover',
    ]);
    // inc-direct and inc-domain were still open at 12:11; inc-vertex was detected at 12:30.
    expect(report.incidents.map((incident) => incident.id)).toEqual(['inc-direct', 'inc-domain', 'inc-vertex']);
  });

  it('reports an empty window without failing, and counts incidents still open in a later one', async () => {
    const empty = await buildAvailabilityReport(store, { since: minute(-600), until: minute(-500), now: windowEnd });
    expect(empty).toMatchObject({ deployments: [], routes: [], providers: [], headline: [], incidents: [] });
    const later = await buildAvailabilityReport(store, { since: minute(200), until: minute(260), now: minute(260) });
    expect(later).toMatchObject({ deployments: [], routes: [], headline: [] });
    expect(later.incidents.map((incident) => [incident.id, incident.durationMs])).toEqual([
      ['inc-vertex', minute(260) - minute(30)],
      ['inc-later', minute(260) - minute(61)],
    ]);
  });
});

describe('incidentsWithTimeline', () => {
  it('lists incidents newest first with their timelines, limited, for the admin API', async () => {
    const incidents = await incidentsWithTimeline(store, { since: windowStart, now: windowEnd });
    expect(incidents.map((incident) => incident.id)).toEqual(['inc-later', 'inc-vertex', 'inc-domain', 'inc-direct']);
    expect(incidents[0]).toMatchObject({ status: 'open', durationMs: 0, timeline: [] });
    expect(incidents[2]!.timeline.map((entry) => entry.kind)).toEqual([
      'opened',
      'status-page-acknowledged',
      'resolved',
    ]);
    expect(incidents[2]!.leadTimeMs).toBe(117_000);
    const limited = await incidentsWithTimeline(store, { since: windowStart, limit: 2, now: windowEnd });
    expect(limited.map((incident) => incident.id)).toEqual(['inc-later', 'inc-vertex']);
    const older = await incidentsWithTimeline(store, { since: minute(-180), until: windowStart, now: windowEnd });
    expect(older.map((incident) => incident.id)).toEqual(['inc-old']);
  });
});
