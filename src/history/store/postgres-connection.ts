// The PostgreSQL pool behind PostgresStore: bounded connect and query timeouts (a hung database must
// not hold writes forever), transactions on one connection, and connection errors that surface as
// rejected promises rather than crashing the process when the server goes away.
import pg from 'pg';
import type { PoolClient } from 'pg';
import type { DatabaseRow } from './store-rows.js';

export interface PostgresConnectionOptions {
  /** Pool size per replica (default 10). */
  maxConnections?: number;
  /** A query that takes longer fails (default 30 s). */
  queryTimeoutMs?: number;
  /** Connecting takes at most this long (default 5 s). */
  connectTimeoutMs?: number;
}

/** The URL without its password, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database url>';
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class PostgresConnection {
  private readonly pool: pg.Pool;

  constructor(url: string, options: PostgresConnectionOptions) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that the server drops (restart, outage) is reported as a pool 'error' event,
    // which would crash the process if nobody listened. The pool discards that connection by itself,
    // and the outage is logged once by whoever next fails to write (StoreAvailability), not here too.
    this.pool.on('error', () => {});
  }

  async query(sql: string, parameters: unknown[] = [], client?: PoolClient): Promise<DatabaseRow[]> {
    const result = await (client ?? this.pool).query(sql, parameters);
    return result.rows as DatabaseRow[];
  }

  /**
   * A connection for several statements. While it is checked out, the pool does not listen to its
   * 'error' event, and a server that goes away between two statements would otherwise throw it as an
   * uncaught exception; the failing statement reports the error anyway.
   */
  async checkout(): Promise<{ client: PoolClient; release: (broken?: Error) => void }> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    return {
      client,
      release: (broken) => {
        client.off('error', onError);
        client.release(broken ?? lost);
      },
    };
  }

  /** Runs `work` in a transaction on one connection; a broken connection is discarded, not reused. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = asError(rollbackError);
      });
      throw error;
    } finally {
      release(broken);
    }
  }

  /** Runs `work` while holding a session advisory lock (released even when `work` fails). */
  async withAdvisoryLock<T>(key: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
      try {
        return await work(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch((error: unknown) => {
          broken = asError(error);
        });
      }
    } finally {
      // A connection whose unlock failed is closed, which releases the lock on the server.
      release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
