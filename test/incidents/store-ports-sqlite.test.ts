// The port contracts on the store adapters over a real SQLite file, opened by two store instances at
// once (as two gateway processes on one host would share it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqliteStore } from '../../src/history/store/sqlite-store.js';
import { runStorePortContracts } from './store-ports.case.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

runStorePortContracts('store adapters on a SQLite file', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-ports-'));
  folders.push(folder);
  const path = join(folder, 'switchyard.db');
  return (options) => SqliteStore.open(path, options);
});
