// The dispatcher's AlertOutbox on the store's alert_outbox table (SQLite or PostgreSQL), so each
// (transition × sink) is sent by one replica. Mapping: the port's dedup key is stored whole as the
// store's dedup key, with sink = sinkId (the dispatcher's keys already end in the sink id, so the
// store's uniqueness on (dedup key, sink) is the port's on the dedup key). The payload holds the alert
// and the port's createdAt, so the retry window does not depend on the store's clock.
//
// Two differences the store imposes:
// - attempts: the store counts claims, including the current one, and cannot be told a count. The
//   port's `attempts` (made so far) is read as claims before this one, so a claim whose lease ran out
//   without an outcome (a replica that died mid-send) counts as an attempt; the counts passed to
//   retryLater and abandon are not stored.
// Leases are checked by the store in the same statement that records the outcome: a replica whose
// lease was taken over cannot overwrite the new holder's work.
import type { Alert } from '../../alerts/alert.js';
import type { AlertOutbox, ClaimRequest, NewOutboxEntry, OutboxEntry } from '../../alerts/alert-outbox.js';
import type { AlertRecord } from '../store/alert-record.js';
import type { IncidentStore } from '../store/incident-store.js';

/** What the store's payload column holds for an entry enqueued through the adapter. */
export interface StoredAlertPayload {
  createdAt: number;
  alert: Alert;
}

export class StoreAlertOutbox implements AlertOutbox {
  /** Dedup key → outbox row, for the entries this instance added or claimed (the store looks rows up by id). */
  private readonly rows = new Map<string, number>();

  constructor(private readonly store: IncidentStore) {}

  async enqueue(dedupKey: string, entry: NewOutboxEntry): Promise<boolean> {
    const payload: StoredAlertPayload = { createdAt: entry.createdAt, alert: entry.alert };
    const result = await this.store.enqueueAlert({
      dedupKey,
      incidentId: entry.alert.incident.id,
      transition: entry.alert.transition,
      sink: entry.sinkId,
      payload,
      notBefore: entry.availableAt,
    });
    return result.created;
  }

  async claimDue(request: ClaimRequest): Promise<OutboxEntry[]> {
    const records = await this.store.claimDueAlerts(request.owner, request.now, request.limit, request.leaseMs);
    return records.map((record) => {
      this.rows.set(record.dedupKey, record.id);
      return entryOf(record);
    });
  }

  // Like the in-memory outbox, a lease that ran out still counts while nobody else has claimed the
  // entry (a slow send that succeeded is recorded). A key this instance never claimed is not its to settle.
  async complete(dedupKey: string, owner: string, at: number): Promise<boolean> {
    return this.settle(dedupKey, (id) => this.store.markAlertSent(id, at, owner));
  }

  async retryLater(
    dedupKey: string,
    owner: string,
    retry: { availableAt: number; attempts: number; lastError: string },
  ): Promise<boolean> {
    return this.settle(dedupKey, (id) => this.store.markAlertFailed(id, retry.availableAt, retry.lastError, owner));
  }

  async abandon(
    dedupKey: string,
    owner: string,
    failure: { at: number; attempts: number; lastError: string },
  ): Promise<boolean> {
    return this.settle(dedupKey, (id) => this.store.markAlertFailed(id, null, failure.lastError, owner));
  }

  private async settle(dedupKey: string, write: (id: number) => Promise<boolean>): Promise<boolean> {
    const id = this.rows.get(dedupKey);
    if (id === undefined) return false;
    const changed = await write(id);
    // Settled or taken over: either way the next claim (by any instance) maps the row again.
    this.rows.delete(dedupKey);
    return changed;
  }
}

function isStoredPayload(payload: unknown): payload is StoredAlertPayload {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as StoredAlertPayload).createdAt === 'number' &&
    'alert' in payload
  );
}

function entryOf(record: AlertRecord): OutboxEntry {
  // A row enqueued by something other than the adapter holds the alert itself.
  const payload = isStoredPayload(record.payload)
    ? record.payload
    : { createdAt: record.createdAt, alert: record.payload as Alert };
  return {
    dedupKey: record.dedupKey,
    sinkId: record.sink,
    alert: payload.alert,
    createdAt: payload.createdAt,
    availableAt: record.nextAttemptAt,
    attempts: Math.max(0, record.attempts - 1),
    lastError: record.lastError,
  };
}
