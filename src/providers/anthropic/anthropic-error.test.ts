// Error bodies from the fixtures → failure kind, status, provider code, retry-after and message.
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../canonical/errors.js';
import type { WireHeaders } from '../adapter.js';
import { anthropicFixtureText } from '../../../test/fixtures/anthropic/load-fixture.js';
import { parseAnthropicError } from './anthropic-error.js';

interface Case {
  file: string;
  status: number;
  headers?: WireHeaders;
  kind: FailureKind;
  providerCode?: string;
  retryAfterMs?: number;
}

const cases: Case[] = [
  { file: 'overloaded-529.json', status: 529, kind: 'overloaded', providerCode: 'overloaded_error' },
  // The error type wins over a status that would say 'server'.
  { file: 'overloaded-500.json', status: 500, kind: 'overloaded', providerCode: 'overloaded_error' },
  {
    file: 'rate-limit-429.json',
    status: 429,
    headers: { 'retry-after': '17' },
    kind: 'rate-limited',
    providerCode: 'rate_limit_error',
    retryAfterMs: 17_000,
  },
  { file: 'api-error-500.json', status: 500, kind: 'server', providerCode: 'api_error' },
  { file: 'authentication-401.json', status: 401, kind: 'auth', providerCode: 'authentication_error' },
  { file: 'permission-403.json', status: 403, kind: 'auth', providerCode: 'permission_error' },
  { file: 'billing-402.json', status: 402, kind: 'auth', providerCode: 'billing_error' },
  { file: 'context-length-400.json', status: 400, kind: 'context-length', providerCode: 'invalid_request_error' },
  { file: 'invalid-request-400.json', status: 400, kind: 'invalid-request', providerCode: 'invalid_request_error' },
  { file: 'not-found-404.json', status: 404, kind: 'not-found', providerCode: 'not_found_error' },
  { file: 'request-too-large-413.json', status: 413, kind: 'invalid-request', providerCode: 'request_too_large' },
  { file: 'timeout-504.json', status: 504, kind: 'timeout', providerCode: 'timeout_error' },
  { file: 'bad-gateway-502.html', status: 502, headers: { 'content-type': 'text/html' }, kind: 'server' },
];

describe('parseAnthropicError', () => {
  it.each(cases)(
    'classifies $file (HTTP $status) as $kind',
    ({ file, status, headers, kind, providerCode, retryAfterMs }) => {
      const error = parseAnthropicError(status, headers ?? {}, anthropicFixtureText(`errors/${file}`));
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(error.providerCode).toBe(providerCode);
      expect(error.retryAfterMs).toBe(retryAfterMs);
    },
  );

  it('says status, type, message and request id in the message', () => {
    const error = parseAnthropicError(529, {}, anthropicFixtureText('errors/overloaded-529.json'));
    expect(error.message).toBe('anthropic 529 overloaded_error: Overloaded (request req_011CSHoEeqs5C35K2UUqR7Fy)');
  });

  it('keeps a readable snippet of an HTML page without its markup', () => {
    const error = parseAnthropicError(502, {}, anthropicFixtureText('errors/bad-gateway-502.html'));
    expect(error.message).toBe('anthropic 502: 502 Bad Gateway 502 Bad Gateway cloudflare');
  });

  it('reads retry-after-ms before retry-after, and the request id from the header', () => {
    const error = parseAnthropicError(
      429,
      { 'retry-after-ms': '1500', 'retry-after': '30', 'request-id': 'req_header' },
      '{}',
    );
    expect(error.retryAfterMs).toBe(1500);
    expect(error.kind).toBe('rate-limited');
    expect(error.message).toContain('(request req_header)');
  });

  it('trims long messages', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'x'.repeat(5000) } });
    expect(parseAnthropicError(400, {}, body).message.length).toBeLessThanOrEqual(300);
  });

  it.each([
    ['an empty body', 503, '', 'overloaded'],
    ['a JSON body of another shape', 500, '{"message":"boom"}', 'server'],
    ['an unknown error type', 409, '{"type":"error","error":{"type":"conflict_error","message":"busy"}}', 'server'],
    [
      'invalid_request_error used for another 4xx',
      408,
      '{"type":"error","error":{"type":"invalid_request_error","message":"slow"}}',
      'timeout',
    ],
  ] as const)('falls back to the status for %s', (_label, status, body, kind) => {
    expect(parseAnthropicError(status, {}, body).kind).toBe(kind);
  });
});
