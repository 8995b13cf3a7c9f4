// The detector's IncidentRepository on the real store (SQLite or PostgreSQL), so several replicas
// share one set of incidents. Opening goes through the store's claim (its unique index on open
// (scope, scope_key) makes it atomic across replicas); a patch is merged by a change function that
// the store runs on the locked row, so "severity only rises", "earliest first failure", "first
// acknowledgement / first resolution win" hold when replicas write at the same time. Appending goes
// one step beyond the in-memory repository: an entry already in the timeline is not appended again.
import type { Incident } from '../../incidents/incident.js';
import type { IncidentPatch, IncidentRepository } from '../../incidents/incident-repository.js';
import type {
  IncidentPatch as StorePatch,
  IncidentRecord,
  IncidentUpdate as StoredUpdate,
} from '../store/incident-record.js';
import type { IncidentStore } from '../store/incident-store.js';
import {
  incidentOf,
  newIncidentOf,
  raisedSeverity,
  readStoredEvidence,
  storedEvidenceOf,
  storedUpdatesOf,
} from './incident-record-mapping.js';

export class StoreIncidentRepository implements IncidentRepository {
  constructor(private readonly store: IncidentStore) {}

  async claimOpen(incident: Incident): Promise<{ incident: Incident; claimed: boolean }> {
    const claim = await this.store.claimIncident(newIncidentOf(incident));
    return { incident: incidentOf(claim.incident), claimed: claim.created };
  }

  async update(id: string, patch: IncidentPatch): Promise<void> {
    // Undefined from the store means an unknown id or nothing to change: both are fine here.
    await this.store.modifyIncident(id, (current) => mergedPatch(current, patch));
  }

  /** The stored incident in the detector's shape (undefined when there is none with this id). */
  async get(id: string): Promise<Incident | undefined> {
    const record = await this.store.getIncident(id);
    return record ? incidentOf(record) : undefined;
  }
}

/**
 * The store patch that applies `patch` to the row as it is now, following the port's merge rules;
 * undefined when nothing would change. Runs under the row lock, so it must stay synchronous.
 */
export function mergedPatch(current: IncidentRecord, patch: IncidentPatch): StorePatch | undefined {
  const change: StorePatch = {};
  if (patch.severity !== undefined) {
    const severity = raisedSeverity(current.severity, patch.severity);
    if (severity !== current.severity) change.severity = severity;
  }
  if (patch.parentId !== undefined && patch.parentId !== current.parentId) change.parentId = patch.parentId;
  if (patch.firstFailedAt !== undefined) {
    const earliest =
      current.firstFailureAt === null ? patch.firstFailedAt : Math.min(current.firstFailureAt, patch.firstFailedAt);
    if (earliest !== current.firstFailureAt) change.firstFailureAt = earliest;
  }
  // The first resolution wins: a later one (another replica's) leaves the stored time alone.
  if (patch.resolvedAt !== undefined && current.status === 'open') change.resolvedAt = patch.resolvedAt;
  if (patch.statusPage !== undefined && current.statusPage === null)
    change.statusPage = structuredClone(patch.statusPage);
  if (patch.evidence !== undefined || patch.title !== undefined) {
    // Title and alerting live beside the evidence: replacing the evidence must keep them.
    const stored = readStoredEvidence(current);
    change.evidence = storedEvidenceOf(patch.evidence ?? stored.evidence, patch.title ?? stored.title, stored.alerting);
  }
  if (patch.newUpdates !== undefined && patch.newUpdates.length > 0) {
    // An entry already in the timeline (same time, type and message) is not added again: a write retried
    // after a commit whose answer was lost, or two replicas recording the very same event, append it once.
    const present = new Set(current.updates.map(timelineKey));
    const fresh = storedUpdatesOf(patch.newUpdates).filter((entry) => !present.has(timelineKey(entry)));
    if (fresh.length > 0) change.appendUpdates = fresh;
  }
  return Object.keys(change).length > 0 ? change : undefined;
}

function timelineKey(entry: StoredUpdate): string {
  return `${entry.at}|${entry.kind}|${entry.message}`;
}
