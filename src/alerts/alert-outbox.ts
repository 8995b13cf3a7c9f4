// The port the dispatcher sends through: a durable outbox shared by every replica, so each
// (incident transition × sink) is sent by exactly one replica and survives a sink outage within its
// retry window. The store implements it (SQLite / PostgreSQL); InMemoryAlertOutbox has the same
// semantics for one process and for tests.
import type { Alert } from './alert.js';

export interface NewOutboxEntry {
  sinkId: string;
  alert: Alert;
  createdAt: number;
  /** The first attempt may go from this time. */
  availableAt: number;
}

export interface OutboxEntry extends NewOutboxEntry {
  dedupKey: string;
  /** Attempts made so far. */
  attempts: number;
  lastError: string | null;
}

export interface ClaimRequest {
  /** The replica claiming (lease holder). */
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
}

export interface AlertOutbox {
  /** Adds the entry unless one with this dedup key exists in any state (pending, sent, given up). Returns whether it was added. */
  enqueue(dedupKey: string, entry: NewOutboxEntry): Promise<boolean>;
  /**
   * Leases up to `limit` pending entries that are due (availableAt ≤ now) and not leased, or whose lease
   * has expired, to `owner` until now + leaseMs. An entry is leased to one owner at a time.
   */
  claimDue(request: ClaimRequest): Promise<OutboxEntry[]>;
  /** Marks an entry delivered. Returns false (and changes nothing) unless `owner` holds its lease. */
  complete(dedupKey: string, owner: string, at: number): Promise<boolean>;
  /** Releases an entry for another attempt from `availableAt`. Returns false unless `owner` holds its lease. */
  retryLater(
    dedupKey: string,
    owner: string,
    retry: { availableAt: number; attempts: number; lastError: string },
  ): Promise<boolean>;
  /** Gives an entry up for good (retry window over, or refused by the sink). Returns false unless `owner` holds its lease. */
  abandon(
    dedupKey: string,
    owner: string,
    failure: { at: number; attempts: number; lastError: string },
  ): Promise<boolean>;
}
