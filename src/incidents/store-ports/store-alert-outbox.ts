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
// - leases: markAlertSent / markAlertFailed do not check the lease holder, so the adapter reads the row
//   and checks it first. Between that read and the write another replica can take over an expired lease;
//   the outcome then still lands (at worst one more delivery, which receivers dedupe by idempotency key).
import type { Alert } from '../alerts/alert.js';
import type { AlertOutbox, ClaimRequest, NewOutboxEntry, OutboxEntry } from '../alerts/alert-outbox.js';
import type { AlertRecord } from '../store/alert-record.js';
import type { IncidentStore } from '../store/incident-store.js';

/** What the store's payload column holds for an entry enqueued through the adapter. */
export interface StoredAlertPayload {
  createdAt: number;
  alert: Alert;
}

interface RowRef {
  id: number;
  incidentId: string;
}

/** Upper bound on the rows one incident has in the outbox (transitions × sinks), for the lease check. */
const rowsPerIncidentLimit = 10_000;

export class StoreAlertOutbox implements AlertOutbox {
  /** Dedup key → outbox row, for the entries this instance added or claimed (the store looks rows up by id). */
  private readonly rows = new Map<string, RowRef>();

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
      this.rows.set(record.dedupKey, { id: record.id, incidentId: record.incidentId });
      return entryOf(record);
    });
  }

  async complete(dedupKey: string, owner: string, at: number): Promise<boolean> {
    const row = await this.leasedRow(dedupKey, owner);
    if (!row) return false;
    await this.store.markAlertSent(row.id, at);
    this.rows.delete(dedupKey);
    return true;
  }

  async retryLater(dedupKey: string, owner: string, retry: { availableAt: number; attempts: number; lastError: string }): Promise<boolean> {
    const row = await this.leasedRow(dedupKey, owner);
    if (!row) return false;
    await this.store.markAlertFailed(row.id, retry.availableAt, retry.lastError);
    // The lease is released: the next claim (by any instance) maps the row again.
    this.rows.delete(dedupKey);
    return true;
  }

  async abandon(dedupKey: string, owner: string, failure: { at: number; attempts: number; lastError: string }): Promise<boolean> {
    const row = await this.leasedRow(dedupKey, owner);
    if (!row) return false;
    await this.store.markAlertFailed(row.id, null, failure.lastError);
    this.rows.delete(dedupKey);
    return true;
  }

  /**
   * The row when it is pending and leased to `owner`. Like the in-memory outbox, a lease that ran out
   * still counts while nobody else has claimed the entry: a slow send that succeeded is recorded.
   * A key this instance never claimed cannot be leased to the caller through it.
   */
  private async leasedRow(dedupKey: string, owner: string): Promise<AlertRecord | undefined> {
    const known = this.rows.get(dedupKey);
    if (!known) return undefined;
    const rows = await this.store.listAlerts({ incidentId: known.incidentId, limit: rowsPerIncidentLimit });
    const row = rows.find((candidate) => candidate.id === known.id);
    return row && row.status === 'pending' && row.leaseOwner === owner ? row : undefined;
  }
}

function isStoredPayload(payload: unknown): payload is StoredAlertPayload {
  return typeof payload === 'object' && payload !== null && typeof (payload as StoredAlertPayload).createdAt === 'number' && 'alert' in payload;
}

function entryOf(record: AlertRecord): OutboxEntry {
  // A row enqueued by something other than the adapter holds the alert itself.
  const payload = isStoredPayload(record.payload) ? record.payload : { createdAt: record.createdAt, alert: record.payload as Alert };
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
