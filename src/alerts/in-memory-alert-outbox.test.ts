// The outbox contract the store's outbox must keep too: idempotent enqueue by dedup key, one lease
// holder at a time, only the holder records an outcome, an expired lease can be taken over.
import { describe, expect, it } from 'vitest';
import { sampleAlert } from './alert-test-kit.js';
import { InMemoryAlertOutbox } from './in-memory-alert-outbox.js';

const entry = (availableAt = 1_000) => ({ sinkId: 'hook', alert: sampleAlert(), createdAt: 1_000, availableAt });

describe('InMemoryAlertOutbox', () => {
  it('adds an entry once per dedup key, whatever state it is in', async () => {
    const outbox = new InMemoryAlertOutbox();
    expect(await outbox.enqueue('k1', entry())).toBe(true);
    expect(await outbox.enqueue('k1', entry())).toBe(false);
    const [claimed] = await outbox.claimDue({ owner: 'a', now: 1_000, leaseMs: 100, limit: 5 });
    await outbox.complete(claimed!.dedupKey, 'a', 1_010);
    expect(await outbox.enqueue('k1', entry())).toBe(false);
    expect(outbox.list()).toHaveLength(1);
  });

  it('leases a due entry to one owner until the lease runs out', async () => {
    const outbox = new InMemoryAlertOutbox();
    await outbox.enqueue('later', entry(5_000));
    await outbox.enqueue('now', entry());
    expect(
      (await outbox.claimDue({ owner: 'a', now: 1_000, leaseMs: 100, limit: 5 })).map((claimed) => claimed.dedupKey),
    ).toEqual(['now']);
    expect(await outbox.claimDue({ owner: 'b', now: 1_050, leaseMs: 100, limit: 5 })).toEqual([]);
    expect(await outbox.retryLater('now', 'b', { availableAt: 2_000, attempts: 1, lastError: 'x' })).toBe(false);
    // a's lease over: b takes it, and a can no longer record anything.
    expect(
      (await outbox.claimDue({ owner: 'b', now: 1_100, leaseMs: 100, limit: 5 })).map((claimed) => claimed.dedupKey),
    ).toEqual(['now']);
    expect(await outbox.complete('now', 'a', 1_120)).toBe(false);
    expect(await outbox.retryLater('now', 'b', { availableAt: 3_000, attempts: 1, lastError: 'down' })).toBe(true);
    expect(await outbox.claimDue({ owner: 'b', now: 2_999, leaseMs: 100, limit: 5 })).toEqual([]);
    const [retried] = await outbox.claimDue({ owner: 'a', now: 3_000, leaseMs: 100, limit: 5 });
    expect(retried).toMatchObject({ dedupKey: 'now', attempts: 1, lastError: 'down' });
    expect(await outbox.abandon('now', 'a', { at: 3_010, attempts: 2, lastError: 'gone' })).toBe(true);
    expect(outbox.list().map((stored) => [stored.dedupKey, stored.status])).toEqual([
      ['later', 'pending'],
      ['now', 'abandoned'],
    ]);
  });
});
