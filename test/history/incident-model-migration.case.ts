// Part of the shared store suite (store.case.ts): migration 4, which made the incidents table hold the
// detector's own model, run on a database of the previous schema with rows in it as the old code wrote
// them (title and alerting inside the evidence JSON, timeline entries with `kind`, a prefixed scope
// key, a row without title or flag at all) plus a delivery and rollups that must come through as they were.
import { describe, expect, it } from 'vitest';
import { emptyEvidence } from '../../src/incidents/incident.js';
import { latestSchemaVersion } from '../../src/history/store/migrations.js';
import type { StoreSuiteContext } from './store.case.js';

const startTime = 1_700_000_000_000;

export function runIncidentModelMigrationCases(context: StoreSuiteContext): void {
  describe('migration 4 (the incident model) from the previous schema with data', () => {
    it('carries every existing incident over into the model the detector uses', async () => {
      const open = await context.database();
      const old = await open({ migrate: false });
      expect(await old.migrate({ toVersion: 3 })).toEqual({ applied: [1, 2, 3], version: 3 });
      const raw = (sql: string, parameters: unknown[] = []) => context.backend.rawQuery(old, sql, parameters);
      const insert = `INSERT INTO incidents (id, scope, scope_key, parent_id, severity, status, first_failure_at,
        detected_at, resolved_at, evidence, updates, status_page, created_by, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      const evidence = { ...emptyEvidence(), attempts: 12, failedAttempts: 9, failuresByKind: { server: 9 } };
      await raw(insert, [
        'inc_domain',
        'domain',
        'anthropic-model-layer',
        null,
        'critical',
        'resolved',
        startTime - 5_000,
        startTime,
        startTime + 60_000,
        JSON.stringify({ ...evidence, title: 'failure domain anthropic-model-layer degraded', alerting: true }),
        JSON.stringify([
          { at: startTime, kind: 'opened', message: '2 of 3 failing', severity: 'major' },
          { at: startTime + 60_000, kind: 'resolved', message: 'healthy for 60 s' },
        ]),
        JSON.stringify({
          page: 'anthropic',
          incidentId: 'sp1',
          acknowledgedAt: startTime + 90_000,
          leadTimeMs: 90_000,
        }),
        'replica-a',
        startTime + 60_000,
      ]);
      await raw(insert, [
        'inc_child',
        'deployment',
        'deployment:claude-direct',
        'inc_domain',
        'major',
        'open',
        null,
        startTime + 1_000,
        null,
        JSON.stringify({ ...evidence, title: 'deployment claude-direct ejected', alerting: false }),
        JSON.stringify([{ at: startTime + 1_000, kind: 'opened', message: 'ejected' }]),
        null,
        'replica-b',
        startTime + 1_000,
      ]);
      // Written by something other than the detector: no title, no flag, evidence of its own shape.
      await raw(insert, [
        'inc_bare',
        'provider',
        'openai',
        null,
        'minor',
        'open',
        null,
        startTime + 2_000,
        null,
        JSON.stringify({ kinds: { timeout: 3 } }),
        JSON.stringify([]),
        null,
        null,
        startTime + 2_000,
      ]);
      await raw(
        `INSERT INTO alert_outbox (dedup_key, sink, incident_id, transition, payload, status, attempts, next_attempt_at, created_at, sent_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          'inc_domain:opened:1:hook',
          'hook',
          'inc_domain',
          'opened',
          JSON.stringify({}),
          'sent',
          1,
          startTime,
          startTime,
          startTime + 10,
        ],
      );
      // As the code of schema 3 wrote it (the rollup columns of later migrations do not exist yet).
      await raw(
        `INSERT INTO route_rollups (minute, route, requests, successes, failures, failovers, extra_latency_ms_sum)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [startTime, 'sonnet', 4, 3, 1, 1, 80],
      );
      await old.close();

      const upgraded = await open();
      expect(await upgraded.schemaVersion()).toBe(latestSchemaVersion);
      expect(await upgraded.getIncident('inc_domain')).toEqual({
        id: 'inc_domain',
        scope: 'domain',
        key: 'anthropic-model-layer',
        scopeKey: 'domain:anthropic-model-layer',
        parentId: null,
        title: 'failure domain anthropic-model-layer degraded',
        severity: 'critical',
        status: 'resolved',
        firstFailedAt: startTime - 5_000,
        detectedAt: startTime,
        resolvedAt: startTime + 60_000,
        evidence,
        updates: [
          { at: startTime, type: 'opened', message: '2 of 3 failing', severity: 'major' },
          { at: startTime + 60_000, type: 'resolved', message: 'healthy for 60 s' },
        ],
        statusPage: { page: 'anthropic', incidentId: 'sp1', acknowledgedAt: startTime + 90_000, leadTimeMs: 90_000 },
        alerting: true,
      });
      expect(await upgraded.getIncident('inc_child')).toMatchObject({
        key: 'claude-direct',
        scopeKey: 'deployment:claude-direct',
        parentId: 'inc_domain',
        title: 'deployment claude-direct ejected',
        alerting: false,
        evidence,
        updates: [{ at: startTime + 1_000, type: 'opened', message: 'ejected' }],
      });
      // The fallbacks the old reader used: the scope and key as title, alerting when it has no parent.
      expect(await upgraded.getIncident('inc_bare')).toMatchObject({
        key: 'openai',
        title: 'provider openai',
        alerting: true,
        evidence: { ...emptyEvidence(), kinds: { timeout: 3 } },
      });
      // The carried-over rows take part in the model: the open child merges, the prefixed key is found by its key.
      expect((await upgraded.listIncidents({ since: 0, key: 'claude-direct' })).map((incident) => incident.id)).toEqual(
        ['inc_child'],
      );
      const rows = await context.backend.rawQuery(upgraded, 'SELECT dedup_key, status FROM alert_outbox');
      expect(rows).toEqual([{ dedup_key: 'inc_domain:opened:1:hook', status: 'sent' }]);
      expect(
        (await upgraded.routeAvailability({ since: 0, until: startTime + 60_000 })).map((row) => row.requests),
      ).toEqual([4]);
      // Rows written before the hedge columns count no hedges.
      expect((await upgraded.routeAvailability({ since: 0, until: startTime + 60_000 }))[0]).toMatchObject({
        hedges: 0,
        hedgesWon: 0,
      });
    });
  });
}
