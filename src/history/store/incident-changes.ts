// How a new incident and a patch become stored values, shared by both backends so that they cannot
// disagree on what "resolve" or "reopen" means. The backends apply the result inside a transaction
// that holds the row, which is what makes appends and compare-and-set safe across replicas.
import { randomUUID } from 'node:crypto';
import type { IncidentExpectation, IncidentPatch, IncidentRecord, NewIncident } from './incident-record.js';

export function newIncidentRecord(incident: NewIncident, now: number, replicaId: string): IncidentRecord {
  const resolvedAt = incident.resolvedAt ?? null;
  return {
    id: incident.id ?? randomUUID(),
    scope: incident.scope,
    scopeKey: incident.scopeKey,
    parentId: incident.parentId ?? null,
    severity: incident.severity,
    status: resolvedAt === null ? 'open' : 'resolved',
    firstFailureAt: incident.firstFailureAt ?? null,
    detectedAt: incident.detectedAt,
    resolvedAt,
    evidence: incident.evidence ?? {},
    updates: incident.updates ?? [],
    statusPage: incident.statusPage ?? null,
    createdBy: incident.createdBy ?? replicaId,
    updatedAt: now,
  };
}

export function matchesExpectation(record: IncidentRecord, expect: IncidentExpectation | undefined): boolean {
  if (!expect) return true;
  if (expect.status !== undefined && record.status !== expect.status) return false;
  if (expect.severity !== undefined && record.severity !== expect.severity) return false;
  return true;
}

export function patchedIncident(record: IncidentRecord, patch: IncidentPatch, now: number): IncidentRecord {
  let resolvedAt = record.resolvedAt;
  if (patch.resolvedAt !== undefined) resolvedAt = patch.resolvedAt;
  else if (patch.status === 'resolved' && resolvedAt === null) resolvedAt = now;
  else if (patch.status === 'open') resolvedAt = null;
  return {
    ...record,
    severity: patch.severity ?? record.severity,
    firstFailureAt: patch.firstFailureAt !== undefined ? patch.firstFailureAt : record.firstFailureAt,
    parentId: patch.parentId !== undefined ? patch.parentId : record.parentId,
    evidence: patch.evidence !== undefined ? patch.evidence : record.evidence,
    updates: [...(patch.updates ?? record.updates), ...(patch.appendUpdates ?? [])],
    statusPage: patch.statusPage !== undefined ? patch.statusPage : record.statusPage,
    resolvedAt,
    status: resolvedAt === null ? 'open' : 'resolved',
    updatedAt: now,
  };
}

/** Parameters of updateIncidentSql, in order. */
export function incidentUpdateValues(record: IncidentRecord, encodeJson: (value: unknown) => unknown): unknown[] {
  return [
    record.parentId,
    record.severity,
    record.status,
    record.firstFailureAt,
    record.resolvedAt,
    encodeJson(record.evidence),
    encodeJson(record.updates),
    record.statusPage === null ? null : encodeJson(record.statusPage),
    record.updatedAt,
    record.id,
  ];
}

/** Column values in table order, JSON encoded by the caller's `encodeJson`. */
export function incidentColumns(record: IncidentRecord, encodeJson: (value: unknown) => unknown): unknown[] {
  return [
    record.id,
    record.scope,
    record.scopeKey,
    record.parentId,
    record.severity,
    record.status,
    record.firstFailureAt,
    record.detectedAt,
    record.resolvedAt,
    encodeJson(record.evidence),
    encodeJson(record.updates),
    record.statusPage === null ? null : encodeJson(record.statusPage),
    record.createdBy,
    record.updatedAt,
  ];
}

export const incidentColumnNames =
  'id, scope, scope_key, parent_id, severity, status, first_failure_at, detected_at, resolved_at, evidence, updates, status_page, created_by, updated_at';
