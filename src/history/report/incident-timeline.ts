// Incidents as the report and the admin API show them: scope, severity, when detected and resolved,
// how long, the lead time we had over the provider's status page, and the timeline of what happened.
import type { IncidentQuery, IncidentRecord, IncidentScope } from '../store/incident-record.js';
import type { IncidentStore } from '../store/incident-store.js';
import { systemClock } from '../../util/clock.js';

export interface TimelineEntry {
  at: number;
  /** opened, escalated, grouped, status-page-acknowledged, resolved, ... */
  kind: string;
  message: string;
}

export interface IncidentReport {
  id: string;
  scope: IncidentScope;
  /** Deployment id, provider name or failure domain name. */
  key: string;
  parentId: string | null;
  severity: string;
  status: 'open' | 'resolved';
  firstFailureAt: number | null;
  detectedAt: number;
  resolvedAt: number | null;
  /** Detection to resolution, or to `now` while it is open. */
  durationMs: number;
  /** Status page acknowledgement minus our detection: positive when we knew first. Null when the page never said. */
  leadTimeMs: number | null;
  statusPage: { page: string; incidentId: string; acknowledgedAt: number } | null;
  evidence: unknown;
  /** Oldest first. */
  timeline: TimelineEntry[];
}

/** Incidents a report covers at most; a window with more is summarised by the newest ones. */
export const defaultIncidentLimit = 1_000;

// A scope key written as `<scope>:<key>` (the detector's own form) reads as the bare key.
function bareKey(record: IncidentRecord): string {
  const prefix = `${record.scope}:`;
  return record.scopeKey.startsWith(prefix) ? record.scopeKey.slice(prefix.length) : record.scopeKey;
}

function timelineOf(record: IncidentRecord): TimelineEntry[] {
  return record.updates
    .map((update) => {
      // Tolerates entries written with the detector's `type` in place of the store's `kind`.
      const loose = update as Partial<TimelineEntry> & { type?: unknown };
      const kind = typeof loose.kind === 'string' ? loose.kind : typeof loose.type === 'string' ? loose.type : 'update';
      return { at: Number(update.at), kind, message: String(update.message ?? '') };
    })
    .sort((a, b) => a.at - b.at);
}

export function toIncidentReport(record: IncidentRecord, now: number): IncidentReport {
  const page = record.statusPage;
  return {
    id: record.id,
    scope: record.scope,
    key: bareKey(record),
    parentId: record.parentId,
    severity: record.severity,
    status: record.status,
    firstFailureAt: record.firstFailureAt,
    detectedAt: record.detectedAt,
    resolvedAt: record.resolvedAt,
    durationMs: Math.max(0, (record.resolvedAt ?? now) - record.detectedAt),
    leadTimeMs: page ? page.acknowledgedAt - record.detectedAt : null,
    statusPage: page ? { page: page.page, incidentId: page.incidentId, acknowledgedAt: page.acknowledgedAt } : null,
    evidence: record.evidence,
    timeline: timelineOf(record),
  };
}

export interface IncidentListOptions {
  /** Incidents open at `since` or detected after it. */
  since: number;
  until?: number;
  /** Default 100. */
  limit?: number;
  /** For the duration of open incidents (default: the system clock). */
  now?: number;
  scope?: IncidentScope;
  status?: 'open' | 'resolved';
}

/** For GET /admin/incidents: incidents with their timeline, newest first. */
export async function incidentsWithTimeline(
  store: Pick<IncidentStore, 'listIncidents'>,
  options: IncidentListOptions,
): Promise<IncidentReport[]> {
  const query: IncidentQuery = { since: options.since, limit: options.limit ?? 100 };
  if (options.until !== undefined) query.until = options.until;
  if (options.scope !== undefined) query.scope = options.scope;
  if (options.status !== undefined) query.status = options.status;
  const now = options.now ?? systemClock.now();
  const records = await store.listIncidents(query);
  return records.map((record) => toIncidentReport(record, now));
}
