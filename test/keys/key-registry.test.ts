// The key registry's remembered hashes: a known client's key is hashed once, but the verdict is read
// from the current keys every time, so a revocation or an expiry from the store applies to the very next
// request; a credential that matches no key is never remembered, so no client can grow the memory.
import { describe, expect, it } from 'vitest';
import { generateKey, hashKey, keyHint } from '../../src/keys/gateway-key.js';
import { KeyRegistry } from '../../src/keys/key-registry.js';
import type { KeyStore, StoredKey } from '../../src/keys/key-store.js';
import { ManualClock } from '../support/manual-clock.js';

/** A key store in memory: what the SQLite and PostgreSQL stores answer, without a database. */
class MemoryKeyStore implements KeyStore {
  readonly keys: StoredKey[] = [];
  listed = 0;
  async create(key: StoredKey): Promise<void> {
    this.keys.push(key);
  }
  async list(): Promise<StoredKey[]> {
    this.listed += 1;
    return this.keys.map((key) => ({ ...key }));
  }
  async revoke(name: string, at: number): Promise<boolean> {
    const key = this.keys.find((candidate) => candidate.name === name && candidate.revokedAt === undefined);
    if (key) key.revokedAt = at;
    return key !== undefined;
  }
  async close(): Promise<void> {}
}

describe('KeyRegistry', () => {
  it('refuses a remembered key the moment the store says it is revoked or expired', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryKeyStore();
    const team = generateKey();
    const ci = generateKey();
    await store.create({
      name: 'team',
      hash: hashKey(team),
      hint: keyHint(team),
      createdAt: clock.now(),
      priority: 'normal',
    });
    await store.create({
      name: 'ci',
      hash: hashKey(ci),
      hint: keyHint(ci),
      createdAt: clock.now(),
      expiresAt: clock.now() + 5_000,
      priority: 'normal',
    });
    const registry = new KeyRegistry({ auth: { keys: [], refreshMs: 100 }, store, clock });
    await registry.start();
    expect(registry.check(team)).toMatchObject({ ok: true, key: { name: 'team' } });
    expect(registry.check(team)).toMatchObject({ ok: true, key: { name: 'team' } });
    expect(registry.check(ci)).toMatchObject({ ok: true, key: { name: 'ci' } });

    await store.revoke('team', clock.now());
    const listed = store.listed;
    await clock.advance(100);
    expect(store.listed).toBeGreaterThan(listed);
    expect(registry.check(team)).toEqual({ ok: false, reason: 'revoked' });
    await clock.advance(5_000);
    expect(registry.check(ci)).toEqual({ ok: false, reason: 'expired' });

    // Deleted from the store altogether: unknown, even though its hash was remembered.
    store.keys.splice(0);
    await clock.advance(100);
    expect(registry.check(ci)).toEqual({ ok: false, reason: 'unknown' });
    registry.close();
  });

  it('answers unknown for any credential that matches no key, and does not remember it', () => {
    const clock = new ManualClock(0);
    const registry = new KeyRegistry({
      auth: { keys: [{ name: 'config-team', key: generateKey(), priority: 'normal' }], refreshMs: 100 },
      clock,
    });
    for (let index = 0; index < 20_000; index += 1) {
      expect(registry.check(`syk_guess${index}`)).toEqual({ ok: false, reason: 'unknown' });
    }
    expect((registry as unknown as { hashes: Map<string, string> }).hashes.size).toBe(0);
    expect(registry.check(undefined)).toEqual({ ok: false, reason: 'missing' });
  });
});
