// The port contracts (incident-repository.case.ts, alert-outbox.case.ts) on the store adapters, for a
// store backend that provides fresh databases. Each replica is its own store instance on the shared
// database (its own SQLite connection or PostgreSQL pool), the way two gateway processes would be.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleIncident } from '../../src/alerts/alert-test-kit.js';
import type { OutboxEntryStatus } from '../../src/alerts/in-memory-alert-outbox.js';
import type { IncidentPatch } from '../../src/incidents/incident-repository.js';
import type { AlertStatus } from '../../src/history/store/alert-record.js';
import type { IncidentStore, StoreOptions } from '../../src/history/store/incident-store.js';
import { StoreAlertOutbox } from '../../src/history/store-ports/store-alert-outbox.js';
import { StoreIncidentRepository } from '../../src/history/store-ports/store-incident-repository.js';
import { ManualClock } from '../support/manual-clock.js';
import { runAlertOutboxContract } from '../alerts/alert-outbox.case.js';
import { runIncidentRepositoryContract } from './incident-repository.case.js';

export type OpenStoreOn = (options: StoreOptions) => Promise<IncidentStore>;

const statusOf: Record<AlertStatus, OutboxEntryStatus> = {
  pending: 'pending',
  sent: 'delivered',
  abandoned: 'abandoned',
};

export function runStorePortContracts(name: string, createDatabase: () => Promise<OpenStoreOn>): void {
  const opened: IncidentStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  async function twoStores(): Promise<[IncidentStore, IncidentStore]> {
    const open = await createDatabase();
    const clock = new ManualClock();
    const a = await open({ clock, replicaId: 'a' });
    opened.push(a);
    const b = await open({ clock, replicaId: 'b' });
    opened.push(b);
    return [a, b];
  }

  runIncidentRepositoryContract(name, {
    async twoReplicas() {
      const [a, b] = await twoStores();
      const reader = new StoreIncidentRepository(a);
      return { a: new StoreIncidentRepository(a), b: new StoreIncidentRepository(b), read: (id) => reader.get(id) };
    },
  });

  describe(`store adapters beyond the contract: ${name}`, () => {
    it('appends a timeline entry once when an update is retried after it was applied', async () => {
      const [a, b] = await twoStores();
      const incident = sampleIncident({ id: 'inc-1' });
      await new StoreIncidentRepository(a).claimOpen(incident);
      const patch: IncidentPatch = {
        severity: 'critical',
        newUpdates: [
          { at: incident.detectedAt + 1_000, type: 'escalated', message: 'clients failing', severity: 'critical' },
          { at: incident.detectedAt + 2_000, type: 'state-change', message: 'claude-direct: ejected → probing' },
        ],
      };
      await new StoreIncidentRepository(a).update('inc-1', patch);
      await new StoreIncidentRepository(b).update('inc-1', patch);
      const stored = await new StoreIncidentRepository(b).get('inc-1');
      expect(stored?.updates).toEqual([...incident.updates, ...patch.newUpdates!]);
      // The row itself: the store's field names, the detector's title and flag beside the evidence.
      expect(await a.getIncident('inc-1')).toMatchObject({
        scope: 'deployment',
        scopeKey: 'claude-direct',
        firstFailureAt: incident.firstFailedAt,
        severity: 'critical',
        evidence: { ...incident.evidence, title: incident.title, alerting: true },
        updates: [{ kind: 'opened' }, { kind: 'escalated', severity: 'critical' }, { kind: 'state-change' }],
      });
    });
  });

  runAlertOutboxContract(name, {
    expiredClaimCountsAsAttempt: true,
    async twoReplicas() {
      const [a, b] = await twoStores();
      return {
        a: new StoreAlertOutbox(a),
        b: new StoreAlertOutbox(b),
        statuses: async () =>
          Object.fromEntries((await a.listAlerts()).map((row) => [row.dedupKey, statusOf[row.status]])),
      };
    },
  });
}
