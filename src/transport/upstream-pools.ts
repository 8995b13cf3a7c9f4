// One undici pool per upstream origin, kept alive across requests. Created lazily, closed on shutdown.
import { Pool } from 'undici';

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Connections per origin. */
  connections?: number;
}

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: PoolOptions) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections ?? 256,
        connect: { timeout: this.options.connectTimeoutMs },
        keepAliveTimeout: 30_000,
        pipelining: 1,
        // Timeouts are enforced per attempt by the caller (deadline, first-token); disable undici's defaults.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})));
  }
}
