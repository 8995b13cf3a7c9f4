// Gateway keys in PostgreSQL, shared by every replica that shares the history database.
import pg from 'pg';
import { KeyStoreError, keyColumns, keyFromRow, limitsOf, type KeyStore, type StoredKey } from './key-store.js';

export class PostgresKeyStore implements KeyStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresKeyStore> {
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000, query_timeout: 10_000 });
    // A dropped idle connection is discarded by the pool; without a listener it would crash the process.
    pool.on('error', () => {});
    await pool.query(`CREATE TABLE IF NOT EXISTS gateway_keys (
      name TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE,
      hint TEXT NOT NULL,
      limits JSONB NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      revoked_at BIGINT
    )`);
    await pool.query(
      'CREATE UNIQUE INDEX IF NOT EXISTS gateway_keys_one_live_per_name ON gateway_keys (name) WHERE revoked_at IS NULL',
    );
    return new PostgresKeyStore(pool);
  }

  async create(key: StoredKey): Promise<void> {
    try {
      await this.pool.query(`INSERT INTO gateway_keys (${keyColumns}) VALUES ($1, $2, $3, $4, $5, $6, NULL)`, [
        key.name,
        key.hash,
        key.hint,
        limitsOf(key),
        key.createdAt,
        key.expiresAt ?? null,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new KeyStoreError(`a key named "${key.name}" already exists (revoke it first)`);
      }
      throw error;
    }
  }

  async list(): Promise<StoredKey[]> {
    const result = await this.pool.query(`SELECT ${keyColumns} FROM gateway_keys ORDER BY created_at`);
    return (result.rows as Record<string, unknown>[]).map(keyFromRow);
  }

  async revoke(name: string, at: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE gateway_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL',
      [at, name],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
