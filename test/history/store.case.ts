// The shared suite every incident store backend runs (SQLite on a real file, PostgreSQL on a real
// server): migrations, incidents, open-once across two instances on the same database, the alert
// outbox, rollups and retention. A backend provides fresh databases; each call of the opener it returns
// is another instance on that database, the way a second replica would connect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../src/history/store/incident-record.js';
import type { IncidentStore, StoreOptions } from '../../src/history/store/incident-store.js';
import { latestSchemaVersion, migrations } from '../../src/history/store/migrations.js';
import { StoreError } from '../../src/history/store/store-error.js';
import { ManualClock } from '../support/manual-clock.js';
import { runOutboxAndRollupCases } from './store-outbox-rollups.case.js';

export type OpenStore = (options?: StoreOptions) => Promise<IncidentStore>;

export interface StoreBackendUnderTest {
  /** A new, empty database; the returned function opens a store instance on it. */
  createDatabase(): Promise<OpenStore>;
}

export interface StoreSuiteContext {
  readonly clock: ManualClock;
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

      it('upgrades a database created by the first migration only, keeping its data', async () => {
        const open = await database();
        const old = await open({ migrate: false });
        expect(await old.migrate({ toVersion: 1 })).toEqual({ applied: [1], version: 1 });
        const kept = await old.insertIncident({
          scope: 'provider',
          scopeKey: 'anthropic',
          severity: 'major',
          detectedAt: startTime,
          evidence: { kinds: { server: 3 } },
        });
        await old.close();

        const upgraded = await open();
        expect(await upgraded.schemaVersion()).toBe(latestSchemaVersion);
        expect(await upgraded.getIncident(kept.id)).toEqual(kept);
        // The tables of the later migrations work.
        expect(
          (
            await upgraded.enqueueAlert({
              dedupKey: `${kept.id}:opened`,
              incidentId: kept.id,
              transition: 'opened',
              sink: 'webhook',
              payload: {},
            })
          ).created,
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

    describe('incidents', () => {
      it('inserts, reads back, updates and resolves an incident', async () => {
        const { a } = await context.twoReplicas();
        const inserted = await a.insertIncident({
          scope: 'deployment',
          scopeKey: 'claude-direct',
          parentId: null,
          severity: 'degraded',
          firstFailureAt: startTime - 4_000,
          detectedAt: startTime,
          evidence: { failures: { server: 12, timeout: 2 }, samples: ['503 overloaded'], routes: ['sonnet'] },
          updates: [{ at: startTime, kind: 'opened', message: 'ejected for 30 s' }],
        });
        expect(inserted).toMatchObject({
          status: 'open',
          resolvedAt: null,
          createdBy: 'a',
          statusPage: null,
          updatedAt: startTime,
        });
        expect(await a.getIncident(inserted.id)).toEqual(inserted);
        expect(await a.getIncident('missing')).toBeUndefined();

        await context.clock.advance(5_000);
        const escalated = await a.updateIncident(inserted.id, {
          severity: 'down',
          parentId: 'domain-incident',
          evidence: { failures: { server: 40 } },
          appendUpdates: [{ at: startTime + 5_000, kind: 'escalated', message: 'all attempts fail' }],
          statusPage: {
            page: 'anthropic',
            incidentId: 'sp-1',
            acknowledgedAt: startTime + 120_000,
            leadTimeMs: 120_000,
          },
        });
        expect(escalated).toMatchObject({
          severity: 'down',
          parentId: 'domain-incident',
          evidence: { failures: { server: 40 } },
          updatedAt: startTime + 5_000,
        });
        expect(escalated?.updates.map((update) => update.kind)).toEqual(['opened', 'escalated']);
        expect(await a.getIncident(inserted.id)).toEqual(escalated);

        await context.clock.advance(60_000);
        const resolved = await a.updateIncident(inserted.id, {
          status: 'resolved',
          appendUpdates: [{ at: startTime + 65_000, kind: 'resolved', message: 'healthy for 60 s' }],
        });
        expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: startTime + 65_000 });
        expect(resolved?.statusPage).toEqual({
          page: 'anthropic',
          incidentId: 'sp-1',
          acknowledgedAt: startTime + 120_000,
          leadTimeMs: 120_000,
        });
        expect(await a.findOpenIncident('deployment', 'claude-direct')).toBeUndefined();
        expect(await a.updateIncident('missing', { severity: 'down' })).toBeUndefined();
      });

      it('refuses a second open incident for the same scope, and allows one after it resolves', async () => {
        const { a } = await context.twoReplicas();
        const first = await a.insertIncident({
          scope: 'domain',
          scopeKey: 'aws-us-east-1',
          severity: 'major',
          detectedAt: startTime,
        });
        const second = a.insertIncident({
          scope: 'domain',
          scopeKey: 'aws-us-east-1',
          severity: 'major',
          detectedAt: startTime + 1,
        });
        await expect(second).rejects.toSatisfy(
          (error) => StoreError.isInstance(error) && error.code === 'SWITCHYARD_STORE_CONFLICT',
        );
        // Same key under another scope is another incident.
        await a.insertIncident({
          scope: 'provider',
          scopeKey: 'aws-us-east-1',
          severity: 'major',
          detectedAt: startTime,
        });
        await a.updateIncident(first.id, { resolvedAt: startTime + 10_000 });
        const next = await a.insertIncident({
          scope: 'domain',
          scopeKey: 'aws-us-east-1',
          severity: 'minor',
          detectedAt: startTime + 20_000,
        });
        expect(next.id).not.toBe(first.id);
        // Reopening the old one now would make two open incidents for one scope.
        await expect(a.updateIncident(first.id, { status: 'open' })).rejects.toSatisfy(
          (error) => StoreError.isInstance(error) && error.code === 'SWITCHYARD_STORE_CONFLICT',
        );
      });

      it('lists incidents overlapping a range, newest first, with filters and a limit', async () => {
        const { a } = await context.twoReplicas();
        const minute = 60_000;
        const old = await a.insertIncident({
          id: 'old',
          scope: 'deployment',
          scopeKey: 'gpt',
          severity: 'minor',
          detectedAt: startTime - 10 * minute,
          resolvedAt: startTime - 5 * minute,
        });
        const spanning = await a.insertIncident({
          id: 'spanning',
          scope: 'deployment',
          scopeKey: 'claude',
          severity: 'major',
          detectedAt: startTime - 10 * minute,
          resolvedAt: startTime + minute,
        });
        const parent = await a.insertIncident({
          id: 'parent',
          scope: 'provider',
          scopeKey: 'anthropic',
          severity: 'major',
          detectedAt: startTime + 2 * minute,
        });
        const child = await a.insertIncident({
          id: 'child',
          scope: 'deployment',
          scopeKey: 'claude-bedrock',
          parentId: parent.id,
          severity: 'major',
          detectedAt: startTime + 3 * minute,
        });
        const later = await a.insertIncident({
          id: 'later',
          scope: 'domain',
          scopeKey: 'anthropic-model-layer',
          severity: 'major',
          detectedAt: startTime + 30 * minute,
        });

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
        expect(await ids({ since: startTime, scopeKey: 'claude' })).toEqual([spanning.id]);
        expect(await ids({ since: startTime, limit: 2 })).toEqual([later.id, child.id]);
        expect((await a.listIncidents({ since: startTime, scopeKey: 'claude-bedrock' }))[0]).toEqual(child);
      });

      it('opens an incident once when claims race on two instances of the same database', async () => {
        const { a, b } = await context.twoReplicas();
        const claim = (store: IncidentStore, replica: string) =>
          store.claimIncident({
            scope: 'provider',
            scopeKey: 'anthropic',
            severity: 'major',
            detectedAt: startTime,
            createdBy: replica,
            evidence: { by: replica },
          });
        const claims = await Promise.all([
          claim(a, 'a'),
          claim(b, 'b'),
          claim(a, 'a'),
          claim(b, 'b'),
          claim(b, 'b'),
          claim(a, 'a'),
        ]);
        expect(claims.filter((result) => result.created)).toHaveLength(1);
        const winner = claims.find((result) => result.created)!.incident;
        for (const result of claims) expect(result.incident.id).toBe(winner.id);
        expect(await a.listIncidents({ since: 0, scope: 'provider' })).toEqual([winner]);
        expect(await b.findOpenIncident('provider', 'anthropic')).toEqual(winner);

        // A claim with an id already taken is a conflict, not a silent success.
        await expect(
          a.claimIncident({
            id: winner.id,
            scope: 'provider',
            scopeKey: 'openai',
            severity: 'major',
            detectedAt: startTime,
          }),
        ).rejects.toSatisfy((error) => StoreError.isInstance(error) && error.code === 'SWITCHYARD_STORE_CONFLICT');

        // Once resolved, the next claim opens a new one.
        await b.updateIncident(winner.id, { status: 'resolved' });
        const next = await a.claimIncident({
          scope: 'provider',
          scopeKey: 'anthropic',
          severity: 'minor',
          detectedAt: startTime + 1,
        });
        expect(next.created).toBe(true);
        expect(next.incident.id).not.toBe(winner.id);
      });

      it('applies a transition once when two instances race to make it (compare-and-set)', async () => {
        const { a, b } = await context.twoReplicas();
        const { incident } = await a.claimIncident({
          scope: 'deployment',
          scopeKey: 'claude',
          severity: 'degraded',
          detectedAt: startTime,
        });
        const escalations = await Promise.all([
          a.updateIncident(incident.id, { severity: 'down' }, { severity: 'degraded' }),
          b.updateIncident(incident.id, { severity: 'down' }, { severity: 'degraded' }),
        ]);
        expect(escalations.filter((result) => result !== undefined)).toHaveLength(1);
        const resolutions = await Promise.all([
          a.updateIncident(incident.id, { status: 'resolved' }, { status: 'open' }),
          b.updateIncident(incident.id, { status: 'resolved' }, { status: 'open' }),
        ]);
        expect(resolutions.filter((result) => result !== undefined)).toHaveLength(1);
      });

      it('applies merge rules decided on the current row, so concurrent changes from two instances compose', async () => {
        const { a, b } = await context.twoReplicas();
        const { incident } = await a.claimIncident({
          scope: 'domain',
          scopeKey: 'anthropic-model-layer',
          severity: 'minor',
          firstFailureAt: startTime - 1_000,
          detectedAt: startTime,
        });
        const rank: Record<string, number> = { minor: 1, major: 2, critical: 3 };
        // Each replica reports what it saw; severity only rises, the earliest first failure and the first
        // status-page acknowledgement win.
        const report =
          (severity: string, firstFailureAt: number, acknowledgedAt: number) => (current: IncidentRecord) => ({
            severity: rank[severity]! > rank[current.severity]! ? severity : current.severity,
            firstFailureAt: Math.min(current.firstFailureAt ?? firstFailureAt, firstFailureAt),
            statusPage: current.statusPage ?? {
              page: 'anthropic',
              incidentId: `sp-${acknowledgedAt}`,
              acknowledgedAt,
              leadTimeMs: acknowledgedAt - startTime,
            },
          });
        await Promise.all([
          a.modifyIncident(incident.id, report('critical', startTime - 500, startTime + 90_000)),
          b.modifyIncident(incident.id, report('major', startTime - 3_000, startTime + 95_000)),
          b.modifyIncident(incident.id, report('minor', startTime - 2_000, startTime + 99_000)),
        ]);
        const merged = (await b.getIncident(incident.id))!;
        expect(merged.severity).toBe('critical');
        expect(merged.firstFailureAt).toBe(startTime - 3_000);
        expect([`sp-${startTime + 90_000}`, `sp-${startTime + 95_000}`, `sp-${startTime + 99_000}`]).toContain(
          merged.statusPage?.incidentId,
        );
        // A change that decides nothing leaves the row alone.
        expect(await a.modifyIncident(incident.id, () => undefined)).toBeUndefined();
        expect(await a.getIncident(incident.id)).toEqual(merged);
        expect(await a.modifyIncident('missing', () => ({ severity: 'major' }))).toBeUndefined();
      });

      it('keeps timeline entries that two instances append at the same time', async () => {
        const { a, b } = await context.twoReplicas();
        const { incident } = await a.claimIncident({
          scope: 'deployment',
          scopeKey: 'claude',
          severity: 'degraded',
          detectedAt: startTime,
        });
        await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            (index % 2 === 0 ? a : b).updateIncident(incident.id, {
              appendUpdates: [{ at: startTime + index, kind: 'note', message: `entry ${index}` }],
            }),
          ),
        );
        const messages = (await a.getIncident(incident.id))!.updates.map((update) => update.message).sort();
        expect(messages).toEqual(['entry 0', 'entry 1', 'entry 2', 'entry 3', 'entry 4', 'entry 5']);
      });
    });

    runOutboxAndRollupCases(context);
  });
}
