// Incidents as the report and the admin API show them: scope, severity, when detected and resolved,
// how long, the lead time we had over the provider's status page, and the timeline of what happened.
import type { Incident, IncidentEvidence, IncidentScope } from '../../incidents/incident.js';
import type { IncidentQuery, IncidentStore } from '../store/incident-store.js';
import { systemClock } from '../../util/clock.js';

// The published shape: `kind` and `firstFailureAt` are the names clients of /admin/incidents and the
// report's JSON already read (the model says `type` and `firstFailedAt`).
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
  title: string;
  /** Whether its transitions are alerted (false when its parent's alerts cover it). */
  alerting: boolean;
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
  evidence: IncidentEvidence;
  /** Oldest first. */
  timeline: TimelineEntry[];
}

/** Incidents a report covers at most; a window with more is summarised by the newest ones. */
export const defaultIncidentLimit = 1_000;

function timelineOf(incident: Incident): TimelineEntry[] {
  return incident.updates
    .map((update) => ({ at: update.at, kind: update.type, message: update.message }))
    .sort((a, b) => a.at - b.at);
}

export function toIncidentReport(incident: Incident, now: number): IncidentReport {
  const page = incident.statusPage;
  return {
    id: incident.id,
    scope: incident.scope,
    key: incident.key,
    parentId: incident.parentId,
    title: incident.title,
    alerting: incident.alerting,
    severity: incident.severity,
    status: incident.status,
    firstFailureAt: incident.firstFailedAt,
    detectedAt: incident.detectedAt,
    resolvedAt: incident.resolvedAt,
    durationMs: Math.max(0, (incident.resolvedAt ?? now) - incident.detectedAt),
    leadTimeMs: page ? page.acknowledgedAt - incident.detectedAt : null,
    statusPage: page ? { page: page.page, incidentId: page.incidentId, acknowledgedAt: page.acknowledgedAt } : null,
    evidence: incident.evidence,
    timeline: timelineOf(incident),
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
