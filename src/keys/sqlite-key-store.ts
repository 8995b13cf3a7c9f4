// Gateway keys in the embedded SQLite file (the history's file, WAL mode, so the CLI can add a key while
// the gateway runs and the gateway sees it at its next refresh). A file deleted under the running
// gateway is opened again at the next use: SQLite would go on reading the deleted file, and keys the CLI
// then creates in the new file would never be seen.
import Database from 'better-sqlite3';
import { fileIdentity } from '../util/file-identity.js';
import { KeyStoreError, keyColumns, keyFromRow, limitsOf, type KeyStore, type StoredKey } from './key-store.js';

export class SqliteKeyStore implements KeyStore {
  private openedIdentity: string | undefined;
  /** Times the file vanished and was opened (created) again. */
  recreated = 0;

  private constructor(
    private connection: Database.Database,
    private readonly path: string,
  ) {
    this.openedIdentity = fileIdentity(path);
  }

  static open(path: string): SqliteKeyStore {
    return new SqliteKeyStore(SqliteKeyStore.connect(path), path);
  }

  /** The connection to the file now at the path, reopened when the file it had was deleted or replaced. */
  private get database(): Database.Database {
    if (this.path === ':memory:' || !this.connection.open) return this.connection;
    const identity = fileIdentity(this.path);
    if (identity !== undefined && identity === this.openedIdentity) return this.connection;
    const previous = this.connection;
    this.connection = SqliteKeyStore.connect(this.path);
    this.openedIdentity = fileIdentity(this.path);
    this.recreated += 1;
    previous.close();
    return this.connection;
  }

  private static connect(path: string): Database.Database {
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.exec(`CREATE TABLE IF NOT EXISTS gateway_keys (
      name TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      hint TEXT NOT NULL,
      limits TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER,
      revoked_at INTEGER
    )`);
    database.exec(
      'CREATE UNIQUE INDEX IF NOT EXISTS gateway_keys_one_live_per_name ON gateway_keys (name) WHERE revoked_at IS NULL',
    );
    return database;
  }

  async create(key: StoredKey): Promise<void> {
    try {
      this.database
        .prepare(`INSERT INTO gateway_keys (${keyColumns}) VALUES (?, ?, ?, ?, ?, ?, NULL)`)
        .run(key.name, key.hash, key.hint, limitsOf(key), key.createdAt, key.expiresAt ?? null);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new KeyStoreError(`a key named "${key.name}" already exists (revoke it first)`);
      }
      throw error;
    }
  }

  async list(): Promise<StoredKey[]> {
    const rows = this.database.prepare(`SELECT ${keyColumns} FROM gateway_keys ORDER BY created_at`).all();
    return (rows as Record<string, unknown>[]).map(keyFromRow);
  }

  async revoke(name: string, at: number): Promise<boolean> {
    const result = this.database
      .prepare('UPDATE gateway_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
      .run(at, name);
    return result.changes > 0;
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
