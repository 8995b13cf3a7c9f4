// The IncidentRepository contract, run against every implementation: in memory, and the store adapter on
// a real SQLite file and a real PostgreSQL server. "Two replicas" are two repositories on one database
// (the same instance twice in memory): a scope is claimed once however the claims race, the loser gets
// the open incident back whole (what `adopt()` needs), and patches from both merge by the port's rules.
import { describe, expect, it } from 'vitest';
import { sampleIncident } from '../../src/alerts/alert-test-kit.js';
import type { Incident, IncidentSeverity, StatusPageRecord } from '../../src/incidents/incident.js';
import type { IncidentRepository } from '../../src/incidents/incident-repository.js';

export interface RepositoryReplicas {
  a: IncidentRepository;
  b: IncidentRepository;
  /** The stored incident, read back in the detector's shape. */
  read(id: string): Promise<Incident | undefined>;
}

export interface IncidentRepositoryUnderTest {
  /** A fresh, empty database and two repositories on it. */
  twoReplicas(): Promise<RepositoryReplicas>;
}

const t0 = 1_700_000_000_000;

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return sampleIncident({
    id,
    detectedAt: t0,
    firstFailedAt: t0 - 4_000,
    updates: [{ at: t0, type: 'opened', message: `opened by ${id}`, severity: 'major' }],
    ...overrides,
  });
}

const statusPage = (incidentId: string, acknowledgedAt: number): StatusPageRecord => ({
  page: 'anthropic',
  incidentId,
  acknowledgedAt,
  leadTimeMs: acknowledgedAt - t0,
});

export function runIncidentRepositoryContract(name: string, backend: IncidentRepositoryUnderTest): void {
  describe(`IncidentRepository contract: ${name}`, () => {
    it('claims a scope once when two replicas race, and hands every loser the open incident', async () => {
      const { a, b, read } = await backend.twoReplicas();
      const ids = ['a-1', 'b-1', 'a-2', 'b-2', 'a-3', 'b-3'];
      const claims = await Promise.all(ids.map((id) => (id.startsWith('a') ? a : b).claimOpen(incident(id))));
      const winners = claims.filter((claim) => claim.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.incident;
      expect(ids).toContain(winner.id);
      expect(winner).toEqual(incident(winner.id));
      for (const claim of claims) expect(claim.incident).toEqual(winner);
      expect(await read(winner.id)).toEqual(winner);
      for (const loser of ids.filter((id) => id !== winner.id)) expect(await read(loser)).toBeUndefined();

      // Another scope with the same key is another incident.
      const provider = await b.claimOpen(
        incident('p-1', { scope: 'provider', key: 'claude-direct', scopeKey: 'provider:claude-direct' }),
      );
      expect(provider.claimed).toBe(true);

      // Once resolved, the scope can be claimed again.
      await a.update(winner.id, { resolvedAt: t0 + 60_000 });
      const next = await b.claimOpen(incident('b-9', { detectedAt: t0 + 70_000 }));
      expect(next).toMatchObject({ claimed: true, incident: { id: 'b-9', status: 'open' } });
      expect(await read(winner.id)).toMatchObject({ status: 'resolved', resolvedAt: t0 + 60_000 });
    });

    it('gives back every field the detector stores, title and alerting flag included', async () => {
      const { a, b } = await backend.twoReplicas();
      const child = incident('child-1', {
        scope: 'provider',
        key: 'anthropic',
        scopeKey: 'provider:anthropic',
        parentId: 'domain-1',
        title: 'provider anthropic down',
        severity: 'critical',
        firstFailedAt: null,
        alerting: false,
        statusPage: statusPage('sp-1', t0 + 30_000),
        updates: [
          { at: t0, type: 'opened', message: 'opened', severity: 'critical' },
          { at: t0 + 1, type: 'grouped', message: 'claude-direct: deployment claude-direct ejected' },
        ],
      });
      expect(await a.claimOpen(child)).toEqual({ incident: child, claimed: true });
      const other = await b.claimOpen(
        incident('child-2', { scope: 'provider', key: 'anthropic', scopeKey: 'provider:anthropic', alerting: true }),
      );
      expect(other).toEqual({ incident: child, claimed: false });
    });

    it('raises severity but never lowers it, keeps the earliest first failure, and sets the parent', async () => {
      const { a, b, read } = await backend.twoReplicas();
      await a.claimOpen(incident('inc-1', { severity: 'minor', firstFailedAt: null }));
      await b.update('inc-1', { severity: 'major', firstFailedAt: t0 - 2_000 });
      await a.update('inc-1', { severity: 'minor', firstFailedAt: t0 - 1_000 });
      expect(await read('inc-1')).toMatchObject({ severity: 'major', firstFailedAt: t0 - 2_000 });
      const severities: IncidentSeverity[] = ['critical', 'minor', 'major', 'minor'];
      await Promise.all(
        severities.map((severity, index) =>
          (index % 2 === 0 ? a : b).update('inc-1', { severity, firstFailedAt: t0 - 5_000 + index * 1_000 }),
        ),
      );
      expect(await read('inc-1')).toMatchObject({ severity: 'critical', firstFailedAt: t0 - 5_000 });
      await b.update('inc-1', { parentId: 'domain-7' });
      expect((await read('inc-1'))!.parentId).toBe('domain-7');
    });

    it('keeps the first status-page acknowledgement and the first resolution', async () => {
      const { a, b, read } = await backend.twoReplicas();
      await a.claimOpen(incident('inc-1'));
      await Promise.all([
        a.update('inc-1', { statusPage: statusPage('sp-a', t0 + 90_000) }),
        b.update('inc-1', { statusPage: statusPage('sp-b', t0 + 95_000) }),
      ]);
      const acknowledged = (await read('inc-1'))!.statusPage;
      expect(['sp-a', 'sp-b']).toContain(acknowledged?.incidentId);
      await b.update('inc-1', { statusPage: statusPage('sp-late', t0 + 200_000) });
      expect((await read('inc-1'))!.statusPage).toEqual(acknowledged);

      await a.update('inc-1', { resolvedAt: t0 + 300_000 });
      await b.update('inc-1', { resolvedAt: t0 + 301_000 });
      expect(await read('inc-1')).toMatchObject({ status: 'resolved', resolvedAt: t0 + 300_000 });
    });

    it('appends timeline entries from both replicas without losing any, in order within a patch', async () => {
      const { a, b, read } = await backend.twoReplicas();
      await a.claimOpen(incident('inc-1'));
      await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          (index % 2 === 0 ? a : b).update('inc-1', {
            newUpdates: [
              { at: t0 + index, type: 'state-change', message: `change ${index}` },
              { at: t0 + index, type: 'escalated', message: `escalated ${index}`, severity: 'critical' },
            ],
          }),
        ),
      );
      const updates = (await read('inc-1'))!.updates;
      expect(updates[0]).toEqual({ at: t0, type: 'opened', message: 'opened by inc-1', severity: 'major' });
      expect(updates).toHaveLength(13);
      for (let index = 0; index < 6; index += 1) {
        const position = updates.findIndex((update) => update.message === `change ${index}`);
        expect(updates[position + 1]).toEqual({
          at: t0 + index,
          type: 'escalated',
          message: `escalated ${index}`,
          severity: 'critical',
        });
      }
    });

    it('replaces evidence and title, and keeps the alerting flag through both', async () => {
      const { a, b, read } = await backend.twoReplicas();
      await a.claimOpen(incident('inc-1', { alerting: false, parentId: 'domain-1' }));
      const evidence = {
        ...incident('x').evidence,
        attempts: 7,
        failedAttempts: 7,
        failuresByKind: { timeout: 7 },
        sampleErrors: ['timed out'],
      };
      await b.update('inc-1', { evidence });
      expect(await read('inc-1')).toMatchObject({
        evidence,
        title: 'deployment claude-direct ejected',
        alerting: false,
      });
      await a.update('inc-1', { title: 'deployment claude-direct degraded' });
      expect(await read('inc-1')).toMatchObject({
        evidence,
        title: 'deployment claude-direct degraded',
        alerting: false,
      });
    });

    it('ignores a patch for an unknown incident', async () => {
      const { a, read } = await backend.twoReplicas();
      await expect(
        a.update('missing', { severity: 'critical', newUpdates: [{ at: t0, type: 'escalated', message: 'x' }] }),
      ).resolves.toBeUndefined();
      expect(await read('missing')).toBeUndefined();
    });
  });
}
