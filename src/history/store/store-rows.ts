// Database rows ↔ incidents, shared by both backends. The drivers differ in two ways that are handled
// here: PostgreSQL returns BIGINT and NUMERIC as strings and JSONB already parsed, SQLite returns
// numbers and JSON as text (so each backend passes its own `decodeJson`).
import {
  emptyEvidence,
  type Incident,
  type IncidentEvidence,
  type IncidentScope,
  type IncidentSeverity,
  type IncidentStatus,
  type IncidentUpdate,
  type StatusPageRecord,
  scopeKeyOf,
} from '../../incidents/incident.js';
import type { StoredIncident } from './incident-merge.js';

export type DatabaseRow = Record<string, unknown>;
export type DecodeJson = (value: unknown) => unknown;

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') return Number(value);
  return 0;
}

export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

function toStringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function incidentFromRow(row: DatabaseRow, decodeJson: DecodeJson): StoredIncident {
  const updates = decodeJson(row.updates);
  const statusPage = row.status_page === null || row.status_page === undefined ? null : decodeJson(row.status_page);
  const evidence = decodeJson(row.evidence);
  const scope = row.scope as IncidentScope;
  const key = String(row.scope_key);
  const incident: Incident = {
    id: String(row.id),
    scope,
    key,
    scopeKey: scopeKeyOf({ scope, key }),
    parentId: toStringOrNull(row.parent_id),
    title: String(row.title),
    severity: row.severity as IncidentSeverity,
    status: row.status as IncidentStatus,
    firstFailedAt: toNumberOrNull(row.first_failed_at),
    detectedAt: toNumber(row.detected_at),
    resolvedAt: toNumberOrNull(row.resolved_at),
    // A row written before a field existed lacks it; readers expect all of them.
    evidence: { ...emptyEvidence(), ...(typeof evidence === 'object' ? (evidence as IncidentEvidence) : {}) },
    updates: Array.isArray(updates) ? (updates as IncidentUpdate[]) : [],
    statusPage: (statusPage ?? null) as StatusPageRecord | null,
    // SQLite keeps booleans as 0 / 1.
    alerting: row.alerting === true || row.alerting === 1 || row.alerting === '1',
  };
  return { incident, createdBy: String(row.created_by ?? '') };
}

/** Column values in the order of incidentColumnNames, JSON encoded by the caller's `encodeJson`. */
export function incidentColumns(
  incident: Incident,
  createdBy: string,
  updatedAt: number,
  encode: { json: (value: unknown) => unknown; boolean: (value: boolean) => unknown },
): unknown[] {
  return [
    incident.id,
    incident.scope,
    incident.key,
    incident.parentId,
    incident.title,
    incident.severity,
    incident.status,
    incident.firstFailedAt,
    incident.detectedAt,
    incident.resolvedAt,
    encode.json(incident.evidence),
    encode.json(incident.updates),
    incident.statusPage === null ? null : encode.json(incident.statusPage),
    encode.boolean(incident.alerting),
    createdBy,
    updatedAt,
  ];
}

export const incidentColumnNames = [
  'id',
  'scope',
  'scope_key',
  'parent_id',
  'title',
  'severity',
  'status',
  'first_failed_at',
  'detected_at',
  'resolved_at',
  'evidence',
  'updates',
  'status_page',
  'alerting',
  'created_by',
  'updated_at',
] as const;

const jsonColumns = new Set<string>(['evidence', 'updates', 'status_page']);

/** Whether the nth (1-based) incident column holds JSON (cast on PostgreSQL). */
export function isJsonColumn(index: number): boolean {
  return jsonColumns.has(incidentColumnNames[index - 1] ?? '');
}

/** Error text kept with a delivery: bounded, since a sink may answer with a whole HTML page. */
export function truncateError(error: string): string {
  return error.length > 1_000 ? `${error.slice(0, 1_000)}…` : error;
}
