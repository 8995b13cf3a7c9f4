// Token caching and refresh, driven by a ManualClock: one fetch for many calls, refresh before
// expiry, one shared refresh for concurrent callers, failures as auth errors (with the old token
// kept while it is still valid, and a cool-down before asking again).
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { AccessTokenCache, type AccessToken, type TokenSource } from './access-token-cache.js';

const hour = 3_600_000;
const minute = 60_000;

/** A source the test controls: each fetch waits for the test to resolve or reject it. */
class ScriptedSource implements TokenSource {
  calls = 0;
  private waiting: Array<{ resolve: (token: AccessToken) => void; reject: (error: Error) => void }> = [];

  getToken(): Promise<AccessToken> {
    this.calls += 1;
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  resolveNext(token: AccessToken): void {
    this.waiting.shift()?.resolve(token);
  }

  rejectNext(error: Error): void {
    this.waiting.shift()?.reject(error);
  }
}

/** A source that answers at once with token-1, token-2, … each valid for `lifetime` from now. */
function countingSource(clock: ManualClock, lifetime = hour): TokenSource & { calls: number } {
  const source = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      source.calls += 1;
      return { token: `token-${source.calls}`, expiresAt: clock.now() + lifetime };
    },
  };
  return source;
}

async function kindOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return UpstreamError.isInstance(error) ? error.kind : 'not an UpstreamError';
  }
}

describe('AccessTokenCache', () => {
  it('fetches once for many calls while the token is fresh', async () => {
    const clock = new ManualClock();
    const source = countingSource(clock);
    const cache = new AccessTokenCache(source, { clock });
    for (let call = 0; call < 20; call++) {
      expect(await cache.getToken()).toBe('token-1');
      await clock.advance(2 * minute);
    }
    // 20 calls over 40 minutes of an hour-long token: still the first.
    expect(source.calls).toBe(1);
  });

  it('refreshes five minutes before expiry, not earlier', async () => {
    const clock = new ManualClock();
    const source = countingSource(clock);
    const cache = new AccessTokenCache(source, { clock });
    await cache.getToken();
    await clock.advance(hour - 5 * minute - 1);
    expect(await cache.getToken()).toBe('token-1');
    await clock.advance(1);
    expect(await cache.getToken()).toBe('token-2');
    expect(source.calls).toBe(2);
  });

  it('refreshes a short-lived token halfway through its life instead of on every call', async () => {
    const clock = new ManualClock();
    const source = countingSource(clock, 4 * minute);
    const cache = new AccessTokenCache(source, { clock });
    await cache.getToken();
    await clock.advance(2 * minute - 1);
    expect(await cache.getToken()).toBe('token-1');
    await clock.advance(1);
    expect(await cache.getToken()).toBe('token-2');
  });

  it('shares one refresh between concurrent callers', async () => {
    const clock = new ManualClock();
    const source = new ScriptedSource();
    const cache = new AccessTokenCache(source, { clock });
    const callers = Array.from({ length: 10 }, () => cache.getToken());
    expect(source.calls).toBe(1);
    source.resolveNext({ token: 'shared', expiresAt: clock.now() + hour });
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 10 }, () => 'shared'));
    expect(source.calls).toBe(1);
  });

  it('surfaces a failed fetch as an auth UpstreamError, without the token, and waits a cool-down before asking again', async () => {
    const clock = new ManualClock();
    const source = new ScriptedSource();
    const cache = new AccessTokenCache(source, { clock, failureCooldownMs: 5_000 });
    const first = cache.getToken();
    const second = cache.getToken();
    source.rejectNext(new Error('invalid_grant: Invalid JWT Signature.'));
    expect(await kindOf(first)).toBe('auth');
    expect(await kindOf(second)).toBe('auth');
    await expect(cache.getToken()).rejects.toThrow(/could not get a Google access token: invalid_grant/);
    expect(source.calls).toBe(1);
    await clock.advance(5_000);
    const retry = cache.getToken();
    expect(source.calls).toBe(2);
    source.resolveNext({ token: 'recovered', expiresAt: clock.now() + hour });
    expect(await retry).toBe('recovered');
  });

  it('keeps serving the old token when an early refresh fails, until it really expires', async () => {
    const clock = new ManualClock();
    const source = new ScriptedSource();
    const cache = new AccessTokenCache(source, { clock, failureCooldownMs: 1_000 });
    const first = cache.getToken();
    source.resolveNext({ token: 'old', expiresAt: clock.now() + hour });
    await first;
    await clock.advance(hour - 2 * minute);
    const during = cache.getToken();
    source.rejectNext(new Error('metadata server unreachable'));
    expect(await during).toBe('old');
    await clock.advance(2 * minute);
    const after = cache.getToken();
    source.rejectNext(new Error('metadata server unreachable'));
    expect(await kindOf(after)).toBe('auth');
  });

  it('rejects a source answer without a token as an auth failure', async () => {
    const clock = new ManualClock();
    const cache = new AccessTokenCache(
      { getToken: async () => ({ token: '', expiresAt: clock.now() + hour }) },
      { clock },
    );
    expect(await kindOf(cache.getToken())).toBe('auth');
  });
});
