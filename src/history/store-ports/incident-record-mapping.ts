// Between the detector's Incident and the store's IncidentRecord. The two were written apart and name
// things differently: the detector's `scopeKey` is "<scope>:<key>" while the store keys open incidents
// by (scope, scope_key = key); timeline entries carry `type` in the detector and `kind` in the store;
// `firstFailedAt` is the store's `firstFailureAt`. The store has no column for `title` or `alerting`,
// so they travel in the evidence JSON (which the store keeps without interpreting) beside the
// detector's evidence fields.
import {
  emptyEvidence,
  higherSeverity,
  incidentSeverities,
  scopeKeyOf,
  type Incident,
  type IncidentEvidence,
  type IncidentSeverity,
  type IncidentUpdate,
} from '../../incidents/incident.js';
import type { IncidentRecord, NewIncident, IncidentUpdate as StoredUpdate } from '../store/incident-record.js';

/** What the evidence column holds for an incident written through the adapter. */
export interface StoredEvidence extends IncidentEvidence {
  title: string;
  alerting: boolean;
}

/** A stored timeline entry as the adapter writes it: the store's shape plus the detector's severity. */
export type StoredTimelineEntry = StoredUpdate & { severity?: IncidentSeverity };

export function isIncidentSeverity(value: unknown): value is IncidentSeverity {
  return typeof value === 'string' && (incidentSeverities as readonly string[]).includes(value);
}

/** The higher of a stored severity (any string) and the detector's; an unknown stored label ranks lowest. */
export function raisedSeverity(stored: string, incoming: IncidentSeverity): IncidentSeverity {
  return isIncidentSeverity(stored) ? higherSeverity(stored, incoming) : incoming;
}

export function storedEvidenceOf(evidence: IncidentEvidence, title: string, alerting: boolean): StoredEvidence {
  return { ...structuredClone(evidence), title, alerting };
}

/** Splits the evidence column back into the detector's evidence, title and alerting flag. */
export function readStoredEvidence(record: Pick<IncidentRecord, 'evidence' | 'scope' | 'scopeKey' | 'parentId'>): {
  evidence: IncidentEvidence;
  title: string;
  alerting: boolean;
} {
  const stored =
    typeof record.evidence === 'object' && record.evidence !== null ? (record.evidence as Partial<StoredEvidence>) : {};
  const { title, alerting, ...evidence } = stored;
  return {
    // A row written by something else may lack fields; the detector's code expects all of them.
    evidence: { ...emptyEvidence(), ...evidence },
    title: typeof title === 'string' ? title : `${record.scope} ${record.scopeKey}`,
    // The same fallback the detector uses for a store without the flag: an incident without a parent alerts.
    alerting: typeof alerting === 'boolean' ? alerting : record.parentId === null,
  };
}

export function storedUpdatesOf(updates: readonly IncidentUpdate[]): StoredTimelineEntry[] {
  return updates.map((update) => ({
    at: update.at,
    kind: update.type,
    message: update.message,
    ...(update.severity !== undefined ? { severity: update.severity } : {}),
  }));
}

export function updatesOf(stored: readonly StoredUpdate[]): IncidentUpdate[] {
  return stored.map((entry) => {
    const severity = (entry as StoredTimelineEntry).severity;
    return {
      at: entry.at,
      type: entry.kind as IncidentUpdate['type'],
      message: entry.message,
      ...(isIncidentSeverity(severity) ? { severity } : {}),
    };
  });
}

/** What claimIncident gets for a detector incident. Rejects an incident whose scopeKey disagrees with its scope and key. */
export function newIncidentOf(incident: Incident): NewIncident {
  const expected = scopeKeyOf({ scope: incident.scope, key: incident.key });
  if (incident.scopeKey !== expected) {
    throw new Error(
      `incident ${incident.id}: scopeKey "${incident.scopeKey}" does not match its scope and key ("${expected}")`,
    );
  }
  return {
    id: incident.id,
    scope: incident.scope,
    scopeKey: incident.key,
    parentId: incident.parentId,
    severity: incident.severity,
    firstFailureAt: incident.firstFailedAt,
    detectedAt: incident.detectedAt,
    ...(incident.resolvedAt !== null ? { resolvedAt: incident.resolvedAt } : {}),
    evidence: storedEvidenceOf(incident.evidence, incident.title, incident.alerting),
    updates: storedUpdatesOf(incident.updates),
    statusPage: incident.statusPage === null ? null : structuredClone(incident.statusPage),
  };
}

/** The detector's view of a stored incident (what `adopt()` and callers of the repository see). */
export function incidentOf(record: IncidentRecord): Incident {
  const { evidence, title, alerting } = readStoredEvidence(record);
  return {
    id: record.id,
    scope: record.scope,
    key: record.scopeKey,
    scopeKey: scopeKeyOf({ scope: record.scope, key: record.scopeKey }),
    parentId: record.parentId,
    title,
    // A label the detector does not know (a row written by another tool) reads as the lowest severity,
    // which the merge rules can only raise.
    severity: isIncidentSeverity(record.severity) ? record.severity : 'minor',
    status: record.status,
    firstFailedAt: record.firstFailureAt,
    detectedAt: record.detectedAt,
    resolvedAt: record.resolvedAt,
    evidence,
    updates: updatesOf(record.updates),
    statusPage: record.statusPage === null ? null : structuredClone(record.statusPage),
    alerting,
  };
}
