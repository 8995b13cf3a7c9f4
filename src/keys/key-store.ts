// Where gateway keys created with `switchyard keys create` live: a table beside the history, in the same
// SQLite file or PostgreSQL database, so every replica sharing the database sees the same keys. Only
// hashes are stored. The table is created by the key store itself (IF NOT EXISTS) so that it does not
// depend on the history schema's migration order.
import type { GatewayKeyRecord } from './gateway-key.js';

export type StoredKey = Omit<GatewayKeyRecord, 'source'>;

export interface KeyStore {
  /** Rejects with a KeyStoreError when the name is already taken by a key that is not revoked. */
  create(key: StoredKey): Promise<void>;
  /** Every key, revoked and expired ones included (the registry decides what they may do). */
  list(): Promise<StoredKey[]>;
  /** True when a live key of that name was revoked. */
  revoke(name: string, at: number): Promise<boolean>;
  close(): Promise<void>;
}

export class KeyStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

export const keyColumns = 'name, hash, hint, limits, created_at, expires_at, revoked_at';

/** A row as both drivers return it (BIGINT may come back as a string from pg). */
export function keyFromRow(row: Record<string, unknown>): StoredKey {
  const limits = (typeof row.limits === 'string' ? JSON.parse(row.limits) : row.limits) as Omit<
    StoredKey,
    'name' | 'hash' | 'hint' | 'createdAt' | 'expiresAt' | 'revokedAt'
  >;
  const time = (value: unknown) => (value === null || value === undefined ? undefined : Number(value));
  const key: StoredKey = {
    ...limits,
    priority: limits.priority ?? 'normal',
    name: String(row.name),
    hash: String(row.hash),
    hint: String(row.hint),
    createdAt: Number(row.created_at),
  };
  const expiresAt = time(row.expires_at);
  const revokedAt = time(row.revoked_at);
  if (expiresAt !== undefined) key.expiresAt = expiresAt;
  if (revokedAt !== undefined) key.revokedAt = revokedAt;
  return key;
}

export function limitsOf(key: StoredKey): string {
  const { routes, rpm, tpm, concurrency, priority } = key;
  return JSON.stringify({ routes, rpm, tpm, concurrency, priority });
}
