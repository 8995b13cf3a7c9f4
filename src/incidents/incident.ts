// What an incident is: a period in which a deployment, a provider or a failure domain was degraded or
// down, with the evidence our own traffic gave, its timeline, and the provider status page's view when
// known. Types and small pure helpers only; the detector decides when incidents open, escalate and resolve.
import type { FailureKind } from '../canonical/errors.js';

export const incidentScopes = ['deployment', 'provider', 'domain'] as const;
export type IncidentScope = (typeof incidentScopes)[number];

/** minor: degraded; major: ejected, or a domain / provider down; critical: nothing healthy left, or clients saw failures. */
export const incidentSeverities = ['minor', 'major', 'critical'] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];

export type IncidentStatus = 'open' | 'resolved';

/** The transitions an incident goes through. The first three are alerted; the last is a timeline hook. */
export type IncidentTransitionType = 'opened' | 'escalated' | 'resolved' | 'status-page-acknowledged';

export interface ScopeRef {
  scope: IncidentScope;
  /** Deployment id, provider name or domain name. */
  key: string;
}

export interface FailoverEvidence {
  /** Requests on the affected routes answered by a deployment outside the incident while it was open. */
  requests: number;
  /** Of those, how many tried a failing deployment first and then moved on. */
  afterFailedAttempt: number;
  /** Deployment id → requests it answered instead. */
  servedBy: Record<string, number>;
}

export interface IncidentEvidence {
  attempts: number;
  failedAttempts: number;
  failuresByKind: Partial<Record<FailureKind, number>>;
  /** A few distinct error messages, secrets removed. */
  sampleErrors: string[];
  /** Routes on which a deployment of the scope failed. */
  affectedRoutes: string[];
  /** Deployments of the scope that failed or changed state. */
  deployments: string[];
  failover: FailoverEvidence;
  /** Requests on the affected routes that failed for the client (no deployment could answer). */
  clientFailures: number;
}

export interface IncidentUpdate {
  at: number;
  type:
    | 'opened'
    | 'escalated'
    | 'state-change'
    | 'grouped'
    | 'recovering'
    | 'relapsed'
    | 'status-page-acknowledged'
    | 'resolved';
  message: string;
  severity?: IncidentSeverity;
}

export interface StatusPageAcknowledgement {
  /** The status page's name (config `statusPages[].name`). */
  page: string;
  /** The provider's own incident id on that page. */
  incidentId: string;
  acknowledgedAt: number;
}

export interface StatusPageRecord extends StatusPageAcknowledgement {
  /** acknowledgedAt − detectedAt: how much earlier we knew (negative when the page was first). */
  leadTimeMs: number;
}

export interface Incident {
  id: string;
  scope: IncidentScope;
  key: string;
  /** `<scope>:<key>`: at most one open incident per scope key, across replicas. */
  scopeKey: string;
  /** The domain or provider incident this one is grouped under. */
  parentId: string | null;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** Earliest failing attempt seen for the scope (null when none was seen on this replica). */
  firstFailedAt: number | null;
  detectedAt: number;
  resolvedAt: number | null;
  evidence: IncidentEvidence;
  updates: IncidentUpdate[];
  statusPage: StatusPageRecord | null;
  /** Whether transitions of this incident are alerted (false for one opened under a parent, which alerts instead). */
  alerting: boolean;
}

export interface IncidentTransition {
  type: IncidentTransitionType;
  /** 1 for opened and resolved; the new severity's rank for escalated: the same on every replica. */
  sequence: number;
  at: number;
  incident: Incident;
}

export type IncidentTransitionListener = (transition: IncidentTransition) => void;

export function scopeKeyOf(ref: ScopeRef): string {
  return `${ref.scope}:${ref.key}`;
}

export function severityRank(severity: IncidentSeverity): number {
  return incidentSeverities.indexOf(severity) + 1;
}

export function higherSeverity(a: IncidentSeverity, b: IncidentSeverity): IncidentSeverity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function emptyEvidence(): IncidentEvidence {
  return {
    attempts: 0,
    failedAttempts: 0,
    failuresByKind: {},
    sampleErrors: [],
    affectedRoutes: [],
    deployments: [],
    failover: { requests: 0, afterFailedAttempt: 0, servedBy: {} },
    clientFailures: 0,
  };
}

/** A deep copy, so listeners and stores never see later mutations. */
export function cloneIncident(incident: Incident): Incident {
  return structuredClone(incident);
}
