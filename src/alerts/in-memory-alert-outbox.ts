// The alert outbox in memory: idempotent enqueue by dedup key, leased claims, the same contract the
// store's outbox keeps across replicas. Used by a single gateway without a store, and by tests (two
// dispatchers sharing one instance behave like two replicas sharing one database).
import type { AlertOutbox, ClaimRequest, NewOutboxEntry, OutboxEntry } from './alert-outbox.js';

export type OutboxEntryStatus = 'pending' | 'delivered' | 'abandoned';

interface StoredEntry extends OutboxEntry {
  status: OutboxEntryStatus;
  leaseOwner: string | null;
  leaseUntil: number;
  finishedAt: number | null;
}

export class InMemoryAlertOutbox implements AlertOutbox {
  private readonly entries = new Map<string, StoredEntry>();

  async enqueue(dedupKey: string, entry: NewOutboxEntry): Promise<boolean> {
    if (this.entries.has(dedupKey)) return false;
    this.entries.set(dedupKey, {
      ...structuredClone(entry),
      dedupKey,
      attempts: 0,
      lastError: null,
      status: 'pending',
      leaseOwner: null,
      leaseUntil: 0,
      finishedAt: null,
    });
    return true;
  }

  async claimDue(request: ClaimRequest): Promise<OutboxEntry[]> {
    const claimed: OutboxEntry[] = [];
    const due = [...this.entries.values()]
      .filter(
        (entry) => entry.status === 'pending' && entry.availableAt <= request.now && entry.leaseUntil <= request.now,
      )
      .sort((a, b) => a.availableAt - b.availableAt || a.createdAt - b.createdAt);
    for (const entry of due.slice(0, request.limit)) {
      entry.leaseOwner = request.owner;
      entry.leaseUntil = request.now + request.leaseMs;
      claimed.push(structuredClone(this.publicView(entry)));
    }
    return claimed;
  }

  async complete(dedupKey: string, owner: string, at: number): Promise<boolean> {
    const entry = this.leased(dedupKey, owner);
    if (!entry) return false;
    Object.assign(entry, {
      status: 'delivered',
      attempts: entry.attempts + 1,
      leaseOwner: null,
      leaseUntil: 0,
      finishedAt: at,
    });
    return true;
  }

  async retryLater(
    dedupKey: string,
    owner: string,
    retry: { availableAt: number; attempts: number; lastError: string },
  ): Promise<boolean> {
    const entry = this.leased(dedupKey, owner);
    if (!entry) return false;
    Object.assign(entry, { ...retry, leaseOwner: null, leaseUntil: 0 });
    return true;
  }

  async abandon(
    dedupKey: string,
    owner: string,
    failure: { at: number; attempts: number; lastError: string },
  ): Promise<boolean> {
    const entry = this.leased(dedupKey, owner);
    if (!entry) return false;
    Object.assign(entry, {
      status: 'abandoned',
      attempts: failure.attempts,
      lastError: failure.lastError,
      leaseOwner: null,
      leaseUntil: 0,
      finishedAt: failure.at,
    });
    return true;
  }

  /** Every entry with its status, for tests and the admin view. */
  list(): Array<OutboxEntry & { status: OutboxEntryStatus }> {
    return [...this.entries.values()].map((entry) =>
      structuredClone({ ...this.publicView(entry), status: entry.status }),
    );
  }

  private leased(dedupKey: string, owner: string): StoredEntry | undefined {
    const entry = this.entries.get(dedupKey);
    return entry && entry.status === 'pending' && entry.leaseOwner === owner ? entry : undefined;
  }

  private publicView(entry: StoredEntry): OutboxEntry {
    const { status: _status, leaseOwner: _owner, leaseUntil: _until, finishedAt: _finished, ...rest } = entry;
    return rest;
  }
}
