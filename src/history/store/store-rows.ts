// Database rows → records, shared by both backends. The drivers differ in two ways that are handled
// here: PostgreSQL returns BIGINT and NUMERIC as strings and JSONB already parsed, SQLite returns
// numbers and JSON as text (so each backend passes its own `decodeJson`).
import type { AlertRecord, AlertStatus } from './alert-record.js';
import type {
  IncidentRecord,
  IncidentScope,
  IncidentStatus,
  IncidentUpdate,
  StatusPageAcknowledgement,
} from './incident-record.js';

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

export function incidentFromRow(row: DatabaseRow, decodeJson: DecodeJson): IncidentRecord {
  const updates = decodeJson(row.updates);
  const statusPage = row.status_page === null || row.status_page === undefined ? null : decodeJson(row.status_page);
  return {
    id: String(row.id),
    scope: row.scope as IncidentScope,
    scopeKey: String(row.scope_key),
    parentId: toStringOrNull(row.parent_id),
    severity: String(row.severity),
    status: row.status as IncidentStatus,
    firstFailureAt: toNumberOrNull(row.first_failure_at),
    detectedAt: toNumber(row.detected_at),
    resolvedAt: toNumberOrNull(row.resolved_at),
    evidence: decodeJson(row.evidence),
    updates: Array.isArray(updates) ? (updates as IncidentUpdate[]) : [],
    statusPage: (statusPage ?? null) as StatusPageAcknowledgement | null,
    createdBy: toStringOrNull(row.created_by),
    updatedAt: toNumber(row.updated_at),
  };
}

export function alertFromRow(row: DatabaseRow, decodeJson: DecodeJson): AlertRecord {
  return {
    id: toNumber(row.id),
    dedupKey: String(row.dedup_key),
    incidentId: String(row.incident_id),
    transition: String(row.transition),
    sink: String(row.sink),
    payload: decodeJson(row.payload),
    status: row.status as AlertStatus,
    attempts: toNumber(row.attempts),
    nextAttemptAt: toNumber(row.next_attempt_at),
    leaseOwner: toStringOrNull(row.lease_owner),
    leaseExpiresAt: toNumberOrNull(row.lease_expires_at),
    lastError: toStringOrNull(row.last_error),
    createdAt: toNumber(row.created_at),
    sentAt: toNumberOrNull(row.sent_at),
  };
}

/** Error text kept in the outbox: bounded, since a sink may answer with a whole HTML page. */
export function truncateError(error: string): string {
  return error.length > 1_000 ? `${error.slice(0, 1_000)}…` : error;
}

/** `AND lease_owner = <placeholder>` when an owner is given, so a lease taken over is never overwritten. */
export function leaseOwnerCondition(
  leaseOwner: string | undefined,
  placeholder: string,
): { sql: string; parameters: string[] } {
  return leaseOwner === undefined
    ? { sql: '', parameters: [] }
    : { sql: ` AND lease_owner = ${placeholder}`, parameters: [leaseOwner] };
}
