// The shared store suite on SQLite: a real database file in a fresh temporary folder per test, opened
// by several instances at once the way two processes would share it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { IncidentStore } from '../../src/history/store/incident-store.js';
import { SqliteStore } from '../../src/history/store/sqlite-store.js';
import { runIncidentStoreSuite } from './store.case.js';

const folders: string[] = [];
const paths = new WeakMap<IncidentStore, string>();

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

runIncidentStoreSuite('SQLite file', {
  async createDatabase() {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
    folders.push(folder);
    const path = join(folder, 'switchyard.db');
    return async (options) => {
      const store = await SqliteStore.open(path, options);
      paths.set(store, path);
      return store;
    };
  },
  async rawQuery(store, sql, parameters = []) {
    const database = new Database(paths.get(store)!);
    try {
      const statement = database.prepare(sql);
      if (statement.reader) return statement.all(...parameters) as Array<Record<string, unknown>>;
      statement.run(...parameters);
      return [];
    } finally {
      database.close();
    }
  },
});
