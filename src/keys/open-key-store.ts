// The key store for a config's `store` section: the same SQLite file or PostgreSQL database as the
// history. `store: false` has no key store; keys then come from the config alone.
import type { SwitchyardConfig } from '../config/schema.js';
import type { KeyStore } from './key-store.js';

export async function openKeyStore(store: SwitchyardConfig['store']): Promise<KeyStore | undefined> {
  if (store === false) return undefined;
  if ('url' in store) {
    const { PostgresKeyStore } = await import('./postgres-key-store.js');
    return PostgresKeyStore.open(store.url);
  }
  const { SqliteKeyStore } = await import('./sqlite-key-store.js');
  return SqliteKeyStore.open(store.path);
}
