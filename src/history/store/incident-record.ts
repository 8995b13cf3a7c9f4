// What the store keeps about an incident: the record as read back, what a detector passes to open one,
// and what it may change later. Times are epoch milliseconds; evidence is whatever JSON the detector
// builds (the store does not interpret it).

export type IncidentScope = 'deployment' | 'provider' | 'domain';
export type IncidentStatus = 'open' | 'resolved';

/** One timeline entry (opened, escalated, status page acknowledged, resolved, ...). */
export interface IncidentUpdate {
  at: number;
  kind: string;
  message: string;
}

/** The provider's status page's own view, once it has acknowledged the incident. */
export interface StatusPageAcknowledgement {
  page: string;
  incidentId: string;
  acknowledgedAt: number;
  /** Provider acknowledgement minus our detection: positive when we were first. */
  leadTimeMs: number;
}

export interface IncidentRecord {
  id: string;
  scope: IncidentScope;
  /** Deployment id, provider name or failure domain name, depending on the scope. */
  scopeKey: string;
  /** The domain or provider incident this one is grouped under. */
  parentId: string | null;
  /** The detector's severity label; the store only stores and compares it. */
  severity: string;
  status: IncidentStatus;
  firstFailureAt: number | null;
  detectedAt: number;
  resolvedAt: number | null;
  evidence: unknown;
  updates: IncidentUpdate[];
  statusPage: StatusPageAcknowledgement | null;
  /** The replica that opened it. */
  createdBy: string | null;
  updatedAt: number;
}

export interface NewIncident {
  /** Generated (UUID) when absent. */
  id?: string;
  scope: IncidentScope;
  scopeKey: string;
  parentId?: string | null;
  severity: string;
  firstFailureAt?: number | null;
  detectedAt: number;
  /** Set only to record an incident that is already over (imports, tests); status follows it. */
  resolvedAt?: number | null;
  evidence?: unknown;
  updates?: IncidentUpdate[];
  statusPage?: StatusPageAcknowledgement | null;
  /** Defaults to the store's replica id. */
  createdBy?: string;
}

export interface IncidentClaim {
  incident: IncidentRecord;
  /** True for the one caller (across all replicas) whose insert opened it. */
  created: boolean;
}

/** Fields left out are unchanged. */
export interface IncidentPatch {
  /** 'resolved' without `resolvedAt` resolves it now; 'open' reopens it (clears `resolvedAt`). */
  status?: IncidentStatus;
  severity?: string;
  parentId?: string | null;
  firstFailureAt?: number | null;
  evidence?: unknown;
  /** Replaces the whole timeline. */
  updates?: IncidentUpdate[];
  /** Appended atomically in the database, so two replicas appending do not lose each other's entries. */
  appendUpdates?: IncidentUpdate[];
  statusPage?: StatusPageAcknowledgement | null;
  /** Setting it resolves the incident. */
  resolvedAt?: number;
}

/**
 * Compare-and-set for updates: the update applies only when the incident still matches, so a
 * transition (escalate, resolve) happens once even when several replicas try it at the same time.
 */
export interface IncidentExpectation {
  status?: IncidentStatus;
  severity?: string;
}

export interface IncidentQuery {
  /** Incidents still open at `since` or detected after it (they overlap [since, until)). */
  since: number;
  until?: number;
  scope?: IncidentScope;
  scopeKey?: string;
  status?: IncidentStatus;
  parentId?: string;
  /** Newest first; default 100. */
  limit?: number;
}
