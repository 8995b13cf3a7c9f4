// Vertex answers errors in Google's shape and (for Claude) in Anthropic's: both classified.
import { describe, expect, it } from 'vitest';
import { vertexErrorBody, vertexErrorFixtures } from '../../../test/fixtures/vertex/load-fixtures.js';
import { parseVertexError } from './vertex-error.js';

describe('parseVertexError', () => {
  it.each(vertexErrorFixtures)('$file → $kind', (fixture) => {
    const error = parseVertexError(fixture.status, fixture.headers ?? {}, vertexErrorBody(fixture));
    expect(error.kind).toBe(fixture.kind);
    expect(error.status).toBe(fixture.status);
    expect(error.providerCode).toBe(fixture.providerCode);
    expect(error.retryAfterMs).toBe(fixture.retryAfterMs);
    expect(error.message.startsWith(`vertex ${fixture.status}`)).toBe(true);
  });

  it('reads retry-after on an Anthropic-shaped 429', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' },
    });
    const error = parseVertexError(429, { 'retry-after': '4' }, body);
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 4_000, providerCode: 'rate_limit_error' });
  });
});
