// The gateway's view of its keys: those declared in the config plus those in the store, indexed by
// hash, refreshed from the store on a timer so that a key created or revoked with the CLI (on any
// replica's shared database) is honoured within a second. Looking a key up is one hash and one Map read;
// the hash of a credential that matched a key is remembered, so a known client's next request costs two
// Map reads. Only the hash is remembered, never the verdict: a revocation or expiry read from the store
// applies to the very next request.
import type { AuthConfig } from '../config/auth-schema.js';
import type { Clock } from '../util/clock.js';
import { hashKey, keyHint, type GatewayKeyRecord } from './gateway-key.js';
import type { KeyStore } from './key-store.js';

export type KeyCheck =
  | { ok: true; key: GatewayKeyRecord }
  | { ok: false; reason: 'missing' | 'unknown' | 'revoked' | 'expired' };

export interface KeyRegistryLogger {
  warn(object: object, message: string): void;
}

/** Presented credentials whose hash is remembered; past it the memory starts over (a bound, not an LRU). */
const rememberedHashesLimit = 10_000;

export class KeyRegistry {
  private byHash = new Map<string, GatewayKeyRecord>();
  /** Credential → its hash, for credentials that matched a key (an unknown one is never kept: no client can grow it). */
  private readonly hashes = new Map<string, string>();
  private readonly configured: GatewayKeyRecord[];
  private cancelTimer: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  /** When the store last answered; undefined until it has, or when there is no store. */
  lastRefreshAt: number | undefined;
  lastRefreshError: string | undefined;

  constructor(
    private readonly options: {
      auth: Pick<AuthConfig, 'keys' | 'refreshMs'>;
      store?: KeyStore;
      clock: Clock;
      logger?: KeyRegistryLogger;
    },
  ) {
    const now = options.clock.now();
    this.configured = options.auth.keys.map(({ key, ...limits }) => ({
      ...limits,
      hash: hashKey(key),
      hint: keyHint(key),
      createdAt: now,
      source: 'config',
    }));
    this.index([]);
  }

  /** Loads the store once, then keeps refreshing every `refreshMs`. */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  check(credential: string | undefined): KeyCheck {
    if (!credential) return { ok: false, reason: 'missing' };
    let hash = this.hashes.get(credential);
    if (hash === undefined) {
      hash = hashKey(credential);
      if (!this.byHash.has(hash)) return { ok: false, reason: 'unknown' };
      if (this.hashes.size >= rememberedHashesLimit) this.hashes.clear();
      this.hashes.set(credential, hash);
    }
    const key = this.byHash.get(hash);
    if (!key) return { ok: false, reason: 'unknown' };
    if (key.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    if (key.expiresAt !== undefined && key.expiresAt <= this.options.clock.now())
      return { ok: false, reason: 'expired' };
    return { ok: true, key };
  }

  /** Every key without its hash, for /admin/keys. */
  list(): Array<Omit<GatewayKeyRecord, 'hash'>> {
    return [...this.byHash.values()].map(({ hash: _hash, ...rest }) => rest);
  }

  async refresh(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    this.refreshing ??= store
      .list()
      .then((stored) => {
        this.index(stored.map((key) => ({ ...key, source: 'store' as const })));
        this.lastRefreshAt = this.options.clock.now();
        this.lastRefreshError = undefined;
      })
      .catch((error: unknown) => {
        // Keep the last keys known: a store that blips must not lock every client out.
        const message = error instanceof Error ? error.message : String(error);
        if (this.lastRefreshError !== message)
          this.options.logger?.warn({ error: message }, 'gateway keys not refreshed');
        this.lastRefreshError = message;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
  }

  private schedule(): void {
    if (this.closed || !this.options.store) return;
    this.cancelTimer = this.options.clock.schedule(this.options.auth.refreshMs, () => {
      void this.refresh().finally(() => this.schedule());
    });
  }

  private index(stored: GatewayKeyRecord[]): void {
    const next = new Map<string, GatewayKeyRecord>();
    for (const key of stored) next.set(key.hash, key);
    // A key declared in the config wins over a stored one with the same value.
    for (const key of this.configured) next.set(key.hash, key);
    this.byHash = next;
  }
}
