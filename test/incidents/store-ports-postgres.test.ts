// The port contracts on the store adapters over a real PostgreSQL server: one throwaway server for this
// file, a fresh database per test, a separate pool per store instance (as each replica has its own).
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from '../../src/history/store/postgres-store.js';
import { TestPostgres } from '../support/postgres-server.js';
import { runStorePortContracts } from './store-ports.case.js';

let server: TestPostgres;
let admin: pg.Pool;
let databases = 0;

beforeAll(async () => {
  server = await TestPostgres.start();
  admin = new pg.Pool({ connectionString: server.url, max: 1 });
});

afterAll(async () => {
  await admin?.end();
  await server?.destroy();
});

runStorePortContracts('store adapters on PostgreSQL', async () => {
  databases += 1;
  const name = `switchyard_ports_${databases}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  return (options) => PostgresStore.open(url, options);
});
