// The port the recorder persists incidents through. The store (SQLite / PostgreSQL) implements it
// for the fleet; InMemoryIncidentRepository keeps the same contract in one process and in tests.
import type { Incident, IncidentEvidence, IncidentSeverity, IncidentUpdate, StatusPageRecord } from './incident.js';

/**
 * What changed in an incident. Several replicas write the same incident, so each field merges rather
 * than overwrites: severity only rises, the earliest first failure wins, the first status-page
 * acknowledgement and the first resolution win, updates are appended. Evidence is the opening
 * replica's view and replaces the stored one.
 */
export interface IncidentPatch {
  severity?: IncidentSeverity;
  title?: string;
  parentId?: string | null;
  firstFailedAt?: number;
  resolvedAt?: number;
  statusPage?: StatusPageRecord;
  evidence?: IncidentEvidence;
  newUpdates?: IncidentUpdate[];
}

export interface IncidentRepository {
  /**
   * Inserts the incident unless an open incident with the same scope key exists (opened by any
   * replica); returns the open incident and whether this call inserted it. Atomic across replicas.
   */
  claimOpen(incident: Incident): Promise<{ incident: Incident; claimed: boolean }>;
  /** Applies a patch (see IncidentPatch for how fields merge). Unknown ids are ignored. */
  update(id: string, patch: IncidentPatch): Promise<void>;
}
