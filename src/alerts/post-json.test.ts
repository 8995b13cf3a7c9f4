// Reading a receiver's retry-after, and which statuses are worth another attempt.
import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseRetryAfter } from './post-json.js';

describe('post-json helpers', () => {
  it('reads retry-after as seconds or as an HTTP date', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter(['7'], now)).toBe(7_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('retries timeouts, rate limits and server errors, not other client errors', () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
