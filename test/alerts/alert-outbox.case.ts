// The AlertOutbox contract, run against every implementation: in memory, and the store adapter on a real
// SQLite file and a real PostgreSQL server. "Two replicas" are two outboxes on one database (the same
// instance twice in memory): enqueue is idempotent by dedup key in every state, a due entry is leased to
// one owner at a time, only the lease holder records an outcome, an expired lease can be taken over.
import { describe, expect, it } from 'vitest';
import { sampleAlert } from '../../src/alerts/alert-test-kit.js';
import type { AlertOutbox, NewOutboxEntry } from '../../src/alerts/alert-outbox.js';
import type { OutboxEntryStatus } from '../../src/alerts/in-memory-alert-outbox.js';

export interface OutboxReplicas {
  a: AlertOutbox;
  b: AlertOutbox;
  /** Every entry's status by dedup key, read from the shared state. */
  statuses(): Promise<Record<string, OutboxEntryStatus>>;
}

export interface AlertOutboxUnderTest {
  /** A fresh, empty database and two outboxes on it. */
  twoReplicas(): Promise<OutboxReplicas>;
  /**
   * Whether a claim whose lease ran out without an outcome counts as an attempt. The store counts
   * claims (it cannot be told a count); the in-memory outbox keeps the count the dispatcher reports.
   */
  expiredClaimCountsAsAttempt: boolean;
}

const entry = (availableAt = 1_000, sinkId = 'hook', createdAt = 1_000): NewOutboxEntry => ({
  sinkId,
  alert: sampleAlert(),
  createdAt,
  availableAt,
});

const claimKeys = async (outbox: AlertOutbox, owner: string, now: number, limit = 10, leaseMs = 100) =>
  (await outbox.claimDue({ owner, now, leaseMs, limit })).map((claimed) => claimed.dedupKey);

export function runAlertOutboxContract(name: string, backend: AlertOutboxUnderTest): void {
  describe(`AlertOutbox contract: ${name}`, () => {
    it('adds an entry once per dedup key across replicas, whatever state it is in', async () => {
      const { a, b, statuses } = await backend.twoReplicas();
      const raced = await Promise.all([
        a.enqueue('k1', entry()),
        b.enqueue('k1', entry()),
        a.enqueue('k1', entry()),
        b.enqueue('k1', entry()),
      ]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      await a.enqueue('k2', entry());
      const claimed = await claimKeys(a, 'a', 1_000);
      expect(claimed.sort()).toEqual(['k1', 'k2']);
      expect(await a.complete('k1', 'a', 1_010)).toBe(true);
      expect(await a.abandon('k2', 'a', { at: 1_010, attempts: 1, lastError: 'refused' })).toBe(true);
      for (const outbox of [a, b]) {
        expect(await outbox.enqueue('k1', entry())).toBe(false);
        expect(await outbox.enqueue('k2', entry())).toBe(false);
      }
      expect(await statuses()).toEqual({ k1: 'delivered', k2: 'abandoned' });
      expect(await claimKeys(b, 'b', 10_000)).toEqual([]);
    });

    it('hands back the entry as it was enqueued, with no attempts yet', async () => {
      const { a, b } = await backend.twoReplicas();
      const alert = sampleAlert('escalated', { severity: 'critical', alerting: true });
      await a.enqueue('inc_7f3a:escalated:3:slack', { sinkId: 'slack', alert, createdAt: 900, availableAt: 1_000 });
      expect(await b.claimDue({ owner: 'b', now: 1_000, leaseMs: 100, limit: 5 })).toEqual([
        {
          dedupKey: 'inc_7f3a:escalated:3:slack',
          sinkId: 'slack',
          alert,
          createdAt: 900,
          availableAt: 1_000,
          attempts: 0,
          lastError: null,
        },
      ]);
    });

    it('leases each due entry to one replica, earliest first, and only the holder records an outcome', async () => {
      const { a, b, statuses } = await backend.twoReplicas();
      // Enqueued out of order, so that "earliest first" is not just "first enqueued".
      for (const [key, availableAt] of [
        ['e5', 1_500],
        ['e1', 1_100],
        ['e4', 1_400],
        ['e0', 1_000],
        ['e3', 1_300],
        ['e2', 1_200],
      ] as const) {
        await a.enqueue(key, entry(availableAt));
      }
      await b.enqueue('later', entry(9_000));
      expect(await claimKeys(a, 'a', 1_600, 2)).toEqual(['e0', 'e1']);
      const [byA, byB] = await Promise.all([claimKeys(a, 'a', 1_600, 3), claimKeys(b, 'b', 1_600, 3)]);
      expect([...byA, ...byB].sort()).toEqual(['e2', 'e3', 'e4', 'e5']);
      expect(byA.filter((key) => byB.includes(key))).toEqual([]);
      // Nothing is handed out again while its lease runs.
      expect(await claimKeys(b, 'b', 1_650)).toEqual([]);

      // Four entries, at most three each: both replicas hold at least one.
      const [heldByA, heldByB] = [byA[0]!, byB[0]!];
      const ownerOf = (key: string) => (['e0', 'e1', ...byA].includes(key) ? 'a' : 'b');
      const other = (owner: string) => (owner === 'a' ? 'b' : 'a');
      const outbox = (owner: string) => (owner === 'a' ? a : b);
      for (const key of [heldByA, heldByB]) {
        const thief = other(ownerOf(key));
        expect(await outbox(thief).complete(key, thief, 1_650)).toBe(false);
        expect(await outbox(thief).retryLater(key, thief, { availableAt: 1_700, attempts: 1, lastError: 'x' })).toBe(
          false,
        );
        expect(await outbox(thief).abandon(key, thief, { at: 1_650, attempts: 1, lastError: 'x' })).toBe(false);
      }
      expect(Object.values(await statuses()).every((status) => status === 'pending')).toBe(true);

      expect(await a.complete('e0', 'a', 1_650)).toBe(true);
      expect(await a.complete('e0', 'a', 1_660)).toBe(false);
      // Leases run out: the other replica takes over everything still pending (and now due), the old
      // holders can no longer record anything.
      const takenOver = await claimKeys(b, 'b', 9_000, 10);
      expect(takenOver).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'later']);
      expect(await a.complete('e1', 'a', 9_010)).toBe(false);
      expect(await b.complete('e1', 'b', 9_010)).toBe(true);
      expect((await statuses()).e1).toBe('delivered');
    });

    it('retries an entry from its new time with its error and attempts, and abandons it for good', async () => {
      const { a, b, statuses } = await backend.twoReplicas();
      await a.enqueue('now', entry());
      expect(await claimKeys(a, 'a', 1_000)).toEqual(['now']);
      expect(
        await a.retryLater('now', 'a', { availableAt: 2_000, attempts: 1, lastError: 'receiver answered 503' }),
      ).toBe(true);
      // Released: no longer a's to record.
      expect(await a.complete('now', 'a', 1_010)).toBe(false);
      expect(await claimKeys(b, 'b', 1_999)).toEqual([]);
      const [retried] = await b.claimDue({ owner: 'b', now: 2_000, leaseMs: 100, limit: 5 });
      expect(retried).toMatchObject({
        dedupKey: 'now',
        availableAt: 2_000,
        attempts: 1,
        lastError: 'receiver answered 503',
        createdAt: 1_000,
      });
      expect(await b.abandon('now', 'b', { at: 2_010, attempts: 2, lastError: 'retry window over' })).toBe(true);
      expect(await b.retryLater('now', 'b', { availableAt: 3_000, attempts: 2, lastError: 'x' })).toBe(false);
      expect(await claimKeys(a, 'a', 100_000)).toEqual([]);
      expect(await statuses()).toEqual({ now: 'abandoned' });
    });

    it('lets a replica take over an expired lease (the in-memory outbox test, across two replicas)', async () => {
      const { a, b, statuses } = await backend.twoReplicas();
      await a.enqueue('later', entry(5_000));
      await a.enqueue('now', entry());
      expect(await claimKeys(a, 'a', 1_000, 5)).toEqual(['now']);
      expect(await claimKeys(b, 'b', 1_050, 5)).toEqual([]);
      expect(await b.retryLater('now', 'b', { availableAt: 2_000, attempts: 1, lastError: 'x' })).toBe(false);
      // a's lease is over: b takes it, and a can no longer record anything.
      expect(await claimKeys(b, 'b', 1_100, 5)).toEqual(['now']);
      expect(await a.complete('now', 'a', 1_120)).toBe(false);
      expect(await b.retryLater('now', 'b', { availableAt: 3_000, attempts: 1, lastError: 'down' })).toBe(true);
      expect(await claimKeys(b, 'b', 2_999, 5)).toEqual([]);
      const [retried] = await a.claimDue({ owner: 'a', now: 3_000, leaseMs: 100, limit: 5 });
      // a's claim at 1 000 ended without an outcome: an attempt for the store, which counts claims.
      expect(retried).toMatchObject({
        dedupKey: 'now',
        attempts: backend.expiredClaimCountsAsAttempt ? 2 : 1,
        lastError: 'down',
      });
      expect(await a.abandon('now', 'a', { at: 3_010, attempts: 2, lastError: 'gone' })).toBe(true);
      expect(await statuses()).toEqual({ later: 'pending', now: 'abandoned' });
    });
  });
}
