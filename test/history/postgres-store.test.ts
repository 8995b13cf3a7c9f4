// The shared store suite on a real PostgreSQL server: one throwaway server for this file, a fresh
// database per test, and a separate pool for each store instance (as each replica has its own).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src/history/store/migrations.js';
import { openStore } from '../../src/history/store/open-store.js';
import { redactDatabaseUrl } from '../../src/history/store/postgres-connection.js';
import { PostgresStore } from '../../src/history/store/postgres-store.js';
import { TestPostgres } from '../support/postgres-server.js';
import type { IncidentStore } from '../../src/history/store/incident-store.js';
import { runIncidentStoreSuite } from './store.case.js';

let server: TestPostgres;
let admin: pg.Pool;
let databases = 0;
const urls = new WeakMap<IncidentStore, string>();

beforeAll(async () => {
  server = await TestPostgres.start();
  admin = new pg.Pool({ connectionString: server.url, max: 1 });
});

afterAll(async () => {
  await admin?.end();
  await server?.destroy();
});

runIncidentStoreSuite('PostgreSQL', {
  async createDatabase() {
    databases += 1;
    const name = `switchyard_test_${databases}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = server.url.replace(/\/postgres$/, `/${name}`);
    return async (options) => {
      const store = await PostgresStore.open(url, options);
      urls.set(store, url);
      return store;
    };
  },
  async rawQuery(store, sql, parameters = []) {
    const pool = new pg.Pool({ connectionString: urls.get(store)!, max: 1 });
    try {
      let index = 0;
      const numbered = sql.replace(/\?/g, () => `$${(index += 1)}`);
      return (await pool.query(numbered, parameters)).rows as Array<Record<string, unknown>>;
    } finally {
      await pool.end();
    }
  },
});

describe('openStore with store.url', () => {
  it('opens a migrated PostgreSQL store', async () => {
    await admin.query('CREATE DATABASE switchyard_open_store');
    const store = await openStore({ url: server.url.replace(/\/postgres$/, '/switchyard_open_store') });
    try {
      expect(store.backend).toBe('postgres');
      expect(await store.schemaVersion()).toBe(latestSchemaVersion);
    } finally {
      await store.close();
    }
  });

  it('redacts the password when a database URL is logged', () => {
    expect(redactDatabaseUrl('postgres://switchyard:hunter2@db.internal:5432/history')).toBe(
      'postgres://switchyard:***@db.internal:5432/history',
    );
  });
});
