// Picks the store backend from configuration: `store.url` (postgres://…) for several replicas sharing
// one history, otherwise the embedded SQLite file at `store.path`. The store is migrated before it is
// returned. Each backend's driver (pg, better-sqlite3) is loaded only when that backend is chosen: a
// gateway that keeps its history in SQLite never has pg in memory, and one with `store: false` neither.
import type { IncidentStore, StoreOptions } from './incident-store.js';
import type { PostgresStoreOptions } from './postgres-store.js';
import { StoreError } from './store-error.js';

export interface StoreConfig {
  /** SQLite file; default ./switchyard.db when no url is given. */
  path?: string;
  /** postgres:// or postgresql:// URL. */
  url?: string;
  /** Keep rollups, resolved incidents and finished alerts this many days (default: forever). */
  retentionDays?: number;
}

export const defaultStorePath = './switchyard.db';

export async function openStore(config: StoreConfig, options: PostgresStoreOptions = {}): Promise<IncidentStore> {
  if (config.path !== undefined && config.url !== undefined) {
    throw new StoreError('SWITCHYARD_STORE_CONFIG', 'store: set either path (SQLite) or url (PostgreSQL), not both');
  }
  const storeOptions: StoreOptions = { ...options, retentionDays: config.retentionDays ?? options.retentionDays };
  if (config.url !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(config.url)) {
      throw new StoreError('SWITCHYARD_STORE_CONFIG', 'store.url must be a postgres:// or postgresql:// URL');
    }
    const { PostgresStore } = await import('./postgres-store.js');
    return PostgresStore.open(config.url, { ...options, ...storeOptions });
  }
  const { SqliteStore } = await import('./sqlite-store.js');
  return SqliteStore.open(config.path ?? defaultStorePath, storeOptions);
}
