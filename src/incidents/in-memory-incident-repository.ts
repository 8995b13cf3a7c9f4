// IncidentRepository in memory: one open incident per scope key, patches merged the way the
// store merges them. For a gateway without a store, and for tests (two recorders sharing one
// instance behave like two replicas sharing one database).
import { higherSeverity, type Incident } from './incident.js';
import type { IncidentPatch, IncidentRepository } from './incident-repository.js';

export class InMemoryIncidentRepository implements IncidentRepository {
  private readonly incidents = new Map<string, Incident>();

  async claimOpen(incident: Incident): Promise<{ incident: Incident; claimed: boolean }> {
    const open = [...this.incidents.values()].find(
      (candidate) => candidate.scopeKey === incident.scopeKey && candidate.status === 'open',
    );
    if (open) return { incident: structuredClone(open), claimed: false };
    this.incidents.set(incident.id, structuredClone(incident));
    return { incident: structuredClone(incident), claimed: true };
  }

  async update(id: string, patch: IncidentPatch): Promise<void> {
    const incident = this.incidents.get(id);
    if (!incident) return;
    if (patch.severity) incident.severity = higherSeverity(incident.severity, patch.severity);
    if (patch.title !== undefined) incident.title = patch.title;
    if (patch.parentId !== undefined) incident.parentId = patch.parentId;
    if (patch.firstFailedAt !== undefined) {
      incident.firstFailedAt =
        incident.firstFailedAt === null ? patch.firstFailedAt : Math.min(incident.firstFailedAt, patch.firstFailedAt);
    }
    if (patch.resolvedAt !== undefined && incident.status === 'open') {
      incident.status = 'resolved';
      incident.resolvedAt = patch.resolvedAt;
    }
    if (patch.statusPage && !incident.statusPage) incident.statusPage = structuredClone(patch.statusPage);
    if (patch.evidence) incident.evidence = structuredClone(patch.evidence);
    if (patch.newUpdates) incident.updates.push(...structuredClone(patch.newUpdates));
  }

  list(): Incident[] {
    return [...this.incidents.values()].map((incident) => structuredClone(incident));
  }

  get(id: string): Incident | undefined {
    const incident = this.incidents.get(id);
    return incident ? structuredClone(incident) : undefined;
  }
}
