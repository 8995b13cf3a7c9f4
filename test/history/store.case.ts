// The shared suite every incident store backend runs (SQLite on a real file, PostgreSQL on a real
// server): migrations (the last one from the previous schema with data in it), incidents saved and
// merged by two instances on the same database, alert delivery claims, rollups and retention. A backend provides fresh databases; each call of the opener it returns
// is another instance on that database, the way a second replica would connect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/incidents/incident.js';
import { incidentFixture } from '../../src/incidents/incident-test-kit.js';
import type { IncidentStore, StoreOptions } from '../../src/history/store/incident-store.js';
import { latestSchemaVersion, migrations } from '../../src/history/store/migrations.js';
import { ManualClock } from '../support/manual-clock.js';
import { runDeliveryClaimCases } from './store-delivery-claims.case.js';
import { runRollupAndRetentionCases } from './store-rollups.case.js';
import { runIncidentModelMigrationCases } from './incident-model-migration.case.js';

export type OpenStore = (options?: StoreOptions) => Promise<IncidentStore>;

export interface StoreBackendUnderTest {
  /** A new, empty database; the returned function opens a store instance on it. */
  createDatabase(): Promise<OpenStore>;
  /** Runs raw SQL on the store's database (`?` placeholders are turned into the backend's own). */
  rawQuery(store: IncidentStore, sql: string, parameters?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

export interface StoreSuiteContext {
  readonly clock: ManualClock;
  readonly backend: StoreBackendUnderTest;
  /** An empty database, opened without migrations. */
  database(): Promise<OpenStore>;
  /** An empty database, and two instances on it (replicas a and b) migrated at open. */
  twoReplicas(): Promise<{ a: IncidentStore; b: IncidentStore; open: OpenStore }>;
}

export const startTime = 1_700_000_000_000;

export function runIncidentStoreSuite(name: string, backend: StoreBackendUnderTest): void {
  describe(`incident store: ${name}`, () => {
    let clock: ManualClock;
    const opened: IncidentStore[] = [];

    beforeEach(() => {
      clock = new ManualClock(startTime);
    });

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    async function database(): Promise<OpenStore> {
      const openOn = await backend.createDatabase();
      return async (options = {}) => {
        const store = await openOn({ clock, ...options });
        opened.push(store);
        return store;
      };
    }

    const context: StoreSuiteContext = {
      get clock() {
        return clock;
      },
      backend,
      database,
      async twoReplicas() {
        const open = await database();
        return { a: await open({ replicaId: 'a' }), b: await open({ replicaId: 'b' }), open };
      },
    };

    describe('migrations', () => {
      it('creates the schema on a fresh database at open, and running them again changes nothing', async () => {
        const open = await database();
        const store = await open({ migrate: false });
        expect(await store.schemaVersion()).toBe(0);
        const first = await store.migrate();
        expect(first).toEqual({
          applied: migrations.map((migration) => migration.version),
          version: latestSchemaVersion,
        });
        expect(await store.migrate()).toEqual({ applied: [], version: latestSchemaVersion });
        const again = await open();
        expect(await again.schemaVersion()).toBe(latestSchemaVersion);
        expect(await again.migrate()).toEqual({ applied: [], version: latestSchemaVersion });
      });

      it('upgrades a database created by the first migration only', async () => {
        const open = await database();
        const old = await open({ migrate: false });
        expect(await old.migrate({ toVersion: 1 })).toEqual({ applied: [1], version: 1 });
        await old.close();

        const upgraded = await open();
        expect(await upgraded.schemaVersion()).toBe(latestSchemaVersion);
        // The tables of the later migrations work.
        const kept = await upgraded.saveIncident(
          incidentFixture({ id: 'inc-1', scope: 'provider', key: 'anthropic', detectedAt: startTime }),
        );
        expect(await upgraded.getIncident(kept.id)).toEqual(kept);
        expect(
          await upgraded.claimAlertDelivery({
            idempotencyKey: `${kept.id}:opened:1`,
            sink: 'webhook',
            owner: 'a',
            alert: { transition: 'opened', sequence: 1, at: startTime, incident: kept },
            at: startTime,
          }),
        ).toBe(true);
        await upgraded.writeRollups([
          {
            kind: 'route',
            minute: startTime,
            route: 'sonnet',
            requests: 1,
            successes: 1,
            failures: 0,
            failovers: 0,
            extraLatencyMsSum: 0,
          },
        ]);
        expect(
          (await upgraded.routeAvailability({ since: 0, until: startTime + 60_000 })).map((row) => row.requests),
        ).toEqual([1]);
      });

      it('upgrades a database one version behind', async () => {
        const open = await database();
        const old = await open({ migrate: false });
        await old.migrate({ toVersion: latestSchemaVersion - 1 });
        expect(await old.migrate()).toEqual({ applied: [latestSchemaVersion], version: latestSchemaVersion });
      });

      it('applies each migration once when two instances migrate at the same time', async () => {
        const open = await database();
        const [a, b] = [await open({ migrate: false }), await open({ migrate: false })];
        const results = await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        expect(results.flatMap((result) => result.applied).sort()).toEqual(
          migrations.map((migration) => migration.version),
        );
        for (const result of results) expect(result.version).toBe(latestSchemaVersion);
      });
    });

    runIncidentModelMigrationCases(context);

    describe('incidents', () => {
      const minute = 60_000;

      it('saves the detector incident and reads every field back, title and alerting included', async () => {
        const { a } = await context.twoReplicas();
        const incident = incidentFixture({
          id: 'inc-direct',
          scope: 'deployment',
          key: 'claude-direct',
          parentId: 'inc-domain',
          title: 'deployment claude-direct ejected',
          severity: 'major',
          firstFailedAt: startTime - 4_000,
          detectedAt: startTime,
          alerting: false,
          evidence: {
            attempts: 14,
            failedAttempts: 12,
            failuresByKind: { server: 10, timeout: 2 },
            sampleErrors: ['503 overloaded'],
            affectedRoutes: ['sonnet'],
            deployments: ['claude-direct'],
            failover: { requests: 3, afterFailedAttempt: 2, servedBy: { 'claude-bedrock': 3 } },
            clientFailures: 0,
          },
          updates: [{ at: startTime, type: 'opened', message: 'ejected for 30 s', severity: 'major' }],
          statusPage: { page: 'anthropic', incidentId: 'sp-1', acknowledgedAt: startTime + 9, leadTimeMs: 9 },
        });
        expect(await a.saveIncident(incident)).toEqual(incident);
        expect(await a.getIncident('inc-direct')).toEqual(incident);
        expect(await a.getIncident('missing')).toBeUndefined();
        // Saving it again changes nothing.
        expect(await a.saveIncident(incident)).toEqual(incident);
        expect(await a.listIncidents({ since: 0 })).toEqual([incident]);
      });

      it('merges what two replicas write: severity rises, earliest times, first acknowledgement and resolution win', async () => {
        const { a, b } = await context.twoReplicas();
        const base = incidentFixture({
          id: 'inc-1',
          scope: 'domain',
          key: 'anthropic-model-layer',
          severity: 'minor',
          title: 'failure domain anthropic-model-layer degraded',
          firstFailedAt: startTime - 1_000,
          detectedAt: startTime,
        });
        await a.saveIncident(base);
        const acknowledgement = (at: number) => ({
          page: 'anthropic',
          incidentId: `sp-${at}`,
          acknowledgedAt: at,
          leadTimeMs: at - startTime,
        });
        await Promise.all([
          a.saveIncident({
            ...base,
            severity: 'critical',
            title: 'critical title',
            statusPage: acknowledgement(startTime + 90_000),
          }),
          b.saveIncident({
            ...base,
            severity: 'major',
            firstFailedAt: startTime - 3_000,
            detectedAt: startTime + 500,
            statusPage: acknowledgement(startTime + 95_000),
          }),
          b.saveIncident({ ...base, firstFailedAt: startTime - 2_000, parentId: 'inc-parent' }),
        ]);
        const merged = (await b.getIncident('inc-1'))!;
        expect(merged).toMatchObject({
          severity: 'critical',
          title: 'critical title',
          firstFailedAt: startTime - 3_000,
          detectedAt: startTime,
          parentId: 'inc-parent',
        });
        expect([`sp-${startTime + 90_000}`, `sp-${startTime + 95_000}`]).toContain(merged.statusPage?.incidentId);
        // A lower severity from a replica that saw less does not lower it, nor clear the parent.
        await b.saveIncident({ ...base, severity: 'minor', title: 'old title' });
        expect(await a.getIncident('inc-1')).toMatchObject({
          severity: 'critical',
          title: 'critical title',
          parentId: 'inc-parent',
        });
        // The first resolution wins.
        await a.saveIncident({ ...base, status: 'resolved', resolvedAt: startTime + 60_000 });
        await b.saveIncident({ ...base, status: 'resolved', resolvedAt: startTime + 70_000 });
        await b.saveIncident(base);
        expect(await a.getIncident('inc-1')).toMatchObject({ status: 'resolved', resolvedAt: startTime + 60_000 });
      });

      it('keeps the evidence of the replica that created the incident', async () => {
        const { a, b } = await context.twoReplicas();
        const base = incidentFixture({ id: 'inc-1', scope: 'deployment', key: 'claude', detectedAt: startTime });
        await a.saveIncident(base);
        const evidenceWith = (attempts: number) => ({ ...base.evidence, attempts });
        await b.saveIncident({ ...base, evidence: evidenceWith(5) });
        expect((await a.getIncident('inc-1'))!.evidence.attempts).toBe(0);
        await a.saveIncident({ ...base, evidence: evidenceWith(40) });
        expect((await b.getIncident('inc-1'))!.evidence.attempts).toBe(40);
      });

      it('keeps timeline entries that two instances add at the same time, each once', async () => {
        const { a, b } = await context.twoReplicas();
        const base = incidentFixture({ id: 'inc-1', scope: 'deployment', key: 'claude', detectedAt: startTime });
        await a.saveIncident(base);
        await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            (index % 2 === 0 ? a : b).saveIncident({
              ...base,
              updates: [
                { at: startTime, type: 'opened', message: 'opened' },
                { at: startTime + index, type: 'state-change', message: `entry ${index}` },
              ],
            }),
          ),
        );
        const messages = (await a.getIncident('inc-1'))!.updates.map((update) => update.message).sort();
        expect(messages).toEqual(['entry 0', 'entry 1', 'entry 2', 'entry 3', 'entry 4', 'entry 5', 'opened']);
      });

      it('opens a scope once when two instances save it under different ids, and names the winner to both', async () => {
        const { a, b } = await context.twoReplicas();
        const opening = (store: IncidentStore, id: string) =>
          store.saveIncident(incidentFixture({ id, scope: 'provider', key: 'anthropic', detectedAt: startTime }));
        const saved = await Promise.all([
          opening(a, 'from-a-1'),
          opening(b, 'from-b-1'),
          opening(a, 'from-a-2'),
          opening(b, 'from-b-2'),
        ]);
        const winner = saved[0]!.id;
        for (const incident of saved) expect(incident.id).toBe(winner);
        expect((await a.listIncidents({ since: 0, scope: 'provider' })).map((incident) => incident.id)).toEqual([
          winner,
        ]);
        // Once resolved, the next opening of the scope is a new incident; the same key under another scope is another one.
        await b.saveIncident({ ...saved[0]!, status: 'resolved', resolvedAt: startTime + 1_000 });
        expect((await opening(a, 'next')).id).toBe('next');
        expect(
          (
            await a.saveIncident(
              incidentFixture({ id: 'domain', scope: 'domain', key: 'anthropic', detectedAt: startTime }),
            )
          ).id,
        ).toBe('domain');
      });

      it('lists incidents overlapping a range, newest first, with filters and a limit', async () => {
        const { a } = await context.twoReplicas();
        const save = (incident: Incident) => a.saveIncident(incident);
        const old = await save(
          incidentFixture({
            id: 'old',
            scope: 'deployment',
            key: 'gpt',
            severity: 'minor',
            detectedAt: startTime - 10 * minute,
            resolvedAt: startTime - 5 * minute,
          }),
        );
        const spanning = await save(
          incidentFixture({
            id: 'spanning',
            scope: 'deployment',
            key: 'claude',
            detectedAt: startTime - 10 * minute,
            resolvedAt: startTime + minute,
          }),
        );
        const parent = await save(
          incidentFixture({ id: 'parent', scope: 'provider', key: 'anthropic', detectedAt: startTime + 2 * minute }),
        );
        const child = await save(
          incidentFixture({
            id: 'child',
            scope: 'deployment',
            key: 'claude-bedrock',
            parentId: parent.id,
            detectedAt: startTime + 3 * minute,
          }),
        );
        const later = await save(
          incidentFixture({
            id: 'later',
            scope: 'domain',
            key: 'anthropic-model-layer',
            detectedAt: startTime + 30 * minute,
          }),
        );

        const ids = async (query: Parameters<IncidentStore['listIncidents']>[0]) =>
          (await a.listIncidents(query)).map((incident) => incident.id);
        expect(await ids({ since: startTime })).toEqual([later.id, child.id, parent.id, spanning.id]);
        expect(await ids({ since: startTime, until: startTime + 10 * minute })).toEqual([
          child.id,
          parent.id,
          spanning.id,
        ]);
        expect(await ids({ since: 0 })).toContain(old.id);
        expect(await ids({ since: startTime, scope: 'deployment' })).toEqual([child.id, spanning.id]);
        expect(await ids({ since: startTime, status: 'open' })).toEqual([later.id, child.id, parent.id]);
        expect(await ids({ since: startTime, status: 'resolved' })).toEqual([spanning.id]);
        expect(await ids({ since: startTime, parentId: parent.id })).toEqual([child.id]);
        expect(await ids({ since: startTime, key: 'claude' })).toEqual([spanning.id]);
        expect(await ids({ since: startTime, limit: 2 })).toEqual([later.id, child.id]);
        expect((await a.listIncidents({ since: startTime, key: 'claude-bedrock' }))[0]).toEqual(child);
      });
    });

    runDeliveryClaimCases(context);
    runRollupAndRetentionCases(context);
  });
}
