// The alert outbox: one row per (dedup key, sink), written when an incident changes, delivered by
// whichever replica claims it first. Rows are leased (not deleted) while a replica sends them, so a
// replica that dies mid-send only delays the alert until its lease expires: delivery is at least once.

export type AlertStatus = 'pending' | 'sent' | 'abandoned';

export interface NewAlert {
  /** Stable per incident transition (e.g. `<incident id>:opened`): enqueueing it again is a no-op. */
  dedupKey: string;
  incidentId: string;
  /** opened / escalated / resolved ... (the detector's word). */
  transition: string;
  /** The configured sink's name. */
  sink: string;
  payload: unknown;
  /** First delivery not before this time; default now. */
  notBefore?: number;
}

export interface AlertRecord {
  id: number;
  dedupKey: string;
  incidentId: string;
  transition: string;
  sink: string;
  payload: unknown;
  status: AlertStatus;
  /** Claims so far, including the current one. */
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface EnqueuedAlert {
  id: number;
  /** False when the same (dedupKey, sink) was already in the outbox (from this replica or another). */
  created: boolean;
}

export interface AlertQuery {
  incidentId?: string;
  status?: AlertStatus;
  limit?: number;
}
