// openStore picks the backend from the store configuration and refuses an ambiguous or malformed one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/history/store/open-store.js';
import { latestSchemaVersion } from '../../src/history/store/migrations.js';
import { StoreError } from '../../src/history/store/store-error.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('openStore', () => {
  it('opens a migrated SQLite file for store.path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-open-'));
    folders.push(folder);
    const store = await openStore({ path: join(folder, 'switchyard.db') });
    try {
      expect(store.backend).toBe('sqlite');
      expect(await store.schemaVersion()).toBe(latestSchemaVersion);
    } finally {
      await store.close();
    }
  });

  it('refuses both path and url, and a url that is not PostgreSQL, without echoing it', async () => {
    const both = openStore({ path: './x.db', url: 'postgres://user:secret@localhost/db' });
    await expect(both).rejects.toSatisfy(
      (error) => StoreError.isInstance(error) && error.code === 'SWITCHYARD_STORE_CONFIG',
    );
    const mysql = openStore({ url: 'mysql://user:secret@localhost/db' });
    await expect(mysql).rejects.toSatisfy(
      (error) =>
        StoreError.isInstance(error) && error.code === 'SWITCHYARD_STORE_CONFIG' && !error.message.includes('secret'),
    );
  });
});
