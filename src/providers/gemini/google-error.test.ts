// Each Google error shape → the kind, provider code and retry delay it must classify as.
import { describe, expect, it } from 'vitest';
import {
  geminiErrorBody,
  geminiErrorFixtures,
  geminiFixtureText,
} from '../../../test/fixtures/gemini/load-fixtures.js';
import { googleRetryDelayMs, inBandGoogleError, parseGoogleError } from './google-error.js';

describe('parseGoogleError', () => {
  it.each(geminiErrorFixtures)('$file → $kind', (fixture) => {
    const error = parseGoogleError('gemini', fixture.status, fixture.headers ?? {}, geminiErrorBody(fixture));
    expect(error.kind).toBe(fixture.kind);
    expect(error.status).toBe(fixture.status);
    expect(error.providerCode).toBe(fixture.providerCode);
    expect(error.retryAfterMs).toBe(fixture.retryAfterMs);
    expect(error.message.startsWith(`gemini ${fixture.status} `)).toBe(true);
  });

  it('prefers RetryInfo over retry-after, and reads {seconds, nanos} durations', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: 'slow down',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
      },
    });
    expect(parseGoogleError('gemini', 429, { 'retry-after': '60' }, body).retryAfterMs).toBe(1_500);
    expect(
      googleRetryDelayMs({
        message: '',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: { seconds: '2', nanos: 500_000_000 } },
        ],
      }),
    ).toBe(2_500);
  });

  it('reads an error wrapped in an array (the non-SSE streaming body) and falls back to the HTTP status without a status name', () => {
    const wrapped = JSON.stringify([{ error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } }]);
    expect(parseGoogleError('gemini', 503, {}, wrapped).kind).toBe('overloaded');
    expect(parseGoogleError('gemini', 429, {}, JSON.stringify({ error: { code: 429, message: 'quota' } })).kind).toBe(
      'rate-limited',
    );
  });

  it('classifies an HTML page by status, without its markup', () => {
    const error = parseGoogleError(
      'gemini',
      502,
      { 'content-type': 'text/html' },
      geminiFixtureText('errors/502-bad-gateway.html'),
    );
    expect(error.kind).toBe('server');
    expect(error.message).not.toContain('<');
    expect(parseGoogleError('gemini', 401, {}, '').kind).toBe('auth');
  });
});

describe('inBandGoogleError', () => {
  it('classifies a stream error chunk by its status name, else its code, else as a server failure', () => {
    expect(
      inBandGoogleError('gemini', { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }).kind,
    ).toBe('rate-limited');
    expect(inBandGoogleError('gemini', { error: { code: 500, message: 'boom' } }).kind).toBe('server');
    expect(inBandGoogleError('gemini', { error: 'unexpected' }).kind).toBe('server');
    expect(
      inBandGoogleError('gemini', { error: { code: 504, message: 'late', status: 'DEADLINE_EXCEEDED' } }).status,
    ).toBeUndefined();
  });
});
