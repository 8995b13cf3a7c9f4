// The shared store suite on SQLite: a real database file in a fresh temporary folder per test, opened
// by several instances at once the way two processes would share it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqliteStore } from '../../src/history/store/sqlite-store.js';
import { runIncidentStoreSuite } from './store.case.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

runIncidentStoreSuite('SQLite file', {
  async createDatabase() {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
    folders.push(folder);
    const path = join(folder, 'switchyard.db');
    return (options) => SqliteStore.open(path, options);
  },
});
