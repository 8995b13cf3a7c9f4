// OAuth2 access tokens for Vertex, cached and refreshed before they expire. A TokenSource fetches
// (google-auth-library in production, a fake in tests); the cache decides when, with the injected
// clock: a token is reused until `refreshBeforeExpiryMs` before its expiry, concurrent callers share
// one refresh, and a refresh that fails while the old token is still valid keeps serving the old one.
// A failure with no valid token is an UpstreamError of kind 'auth' (this deployment cannot
// authenticate; another may), repeated without asking again for `failureCooldownMs` so that a broken
// credential does not turn every request into a call to Google's token endpoint.
import { UpstreamError } from '../../canonical/errors.js';
import { systemClock, type Clock } from '../../util/clock.js';

export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch, on the same clock as the cache's. */
  expiresAt: number;
}

export interface TokenSource {
  getToken(): Promise<AccessToken>;
}

export interface AccessTokenCacheOptions {
  clock?: Clock;
  /** How long before expiry a token is refreshed (default 5 minutes, as google-auth-library does). */
  refreshBeforeExpiryMs?: number;
  /** How long a failed fetch is remembered before the next caller may try again (default 5 s). */
  failureCooldownMs?: number;
  /** Names the deployment's provider in messages. */
  provider?: string;
}

interface CachedToken extends AccessToken {
  /** When to fetch the next one. */
  refreshAt: number;
}

const maximumCauseLength = 200;

export class AccessTokenCache {
  private readonly clock: Clock;
  private readonly refreshBeforeExpiryMs: number;
  private readonly failureCooldownMs: number;
  private readonly provider: string;
  private current: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  private failure: { error: UpstreamError; until: number } | undefined;

  constructor(
    private readonly source: TokenSource,
    options: AccessTokenCacheOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000;
    this.failureCooldownMs = options.failureCooldownMs ?? 5_000;
    this.provider = options.provider ?? 'vertex';
  }

  /** A valid access token; throws UpstreamError (kind 'auth') when none can be had. */
  async getToken(): Promise<string> {
    const current = this.current;
    if (current !== undefined && this.clock.now() < current.refreshAt) return current.token;
    if (this.failure !== undefined && this.clock.now() < this.failure.until) return this.fallback(this.failure.error);
    try {
      return (await this.refresh()).token;
    } catch (error) {
      return this.fallback(error as UpstreamError);
    }
  }

  /** The old token while it is still valid, else the failure. */
  private fallback(error: UpstreamError): string {
    const current = this.current;
    if (current !== undefined && this.clock.now() < current.expiresAt) return current.token;
    throw error;
  }

  private refresh(): Promise<CachedToken> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<CachedToken> {
    const fetchedAt = this.clock.now();
    let fetched: AccessToken;
    try {
      fetched = await this.source.getToken();
      if (typeof fetched?.token !== 'string' || fetched.token.length === 0 || !Number.isFinite(fetched.expiresAt)) {
        throw new Error('the credential returned no access token');
      }
    } catch (error) {
      const failure = this.authError(error);
      this.failure = { error: failure, until: this.clock.now() + this.failureCooldownMs };
      throw failure;
    }
    this.failure = undefined;
    // A short-lived token is refreshed halfway through its life rather than at once and forever.
    const lifetime = Math.max(0, fetched.expiresAt - fetchedAt);
    const margin = Math.min(this.refreshBeforeExpiryMs, lifetime / 2);
    this.current = { token: fetched.token, expiresAt: fetched.expiresAt, refreshAt: fetched.expiresAt - margin };
    return this.current;
  }

  private authError(cause: unknown): UpstreamError {
    const detail = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, ' ').trim();
    const trimmed = detail.length > maximumCauseLength ? `${detail.slice(0, maximumCauseLength - 1)}…` : detail;
    return new UpstreamError({
      kind: 'auth',
      providerCode: 'access_token_unavailable',
      message: `${this.provider}: could not get a Google access token: ${trimmed}`,
      cause,
    });
  }
}
