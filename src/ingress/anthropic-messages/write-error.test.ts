// Anthropic error answers: status → error.type, retry headers, attempts, and the in-band SSE event.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { UpstreamError } from '../../canonical/errors.js';
import { anthropicErrorTypeForUpstream } from './anthropic-error-type.js';
import { anthropicErrorResponse, anthropicStreamErrorEvent } from './write-error.js';
import type { AttemptSummary } from '../../canonical/attempt.js';

function gatewayError(
  status: number,
  extra: Partial<ConstructorParameters<typeof GatewayError>[0]> = {},
): GatewayError {
  return new GatewayError({ status, code: 'SWITCHYARD_UPSTREAM_ERROR', message: `failed with ${status}`, ...extra });
}

describe('anthropicErrorResponse', () => {
  const table: Array<[number, string]> = [
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [409, 'invalid_request_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'overloaded_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ];
  it.each(table)('status %i → %s', (status, type) => {
    const answer = anthropicErrorResponse(gatewayError(status), 'req_1');
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({
      type: 'error',
      error: { type, message: `failed with ${status}` },
      request_id: 'req_1',
    });
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['request-id']).toBe('req_1');
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(answer.headers['x-should-retry']).toBeUndefined();
  });

  it('lets the upstream error type win', () => {
    const answer = anthropicErrorResponse(gatewayError(500, { upstreamType: 'overloaded_error' }), 'req_1');
    expect((answer.body.error as { type: string }).type).toBe('overloaded_error');
  });

  it('sends retry-after in whole seconds (rounded up) and retry-after-ms', () => {
    const answer = anthropicErrorResponse(gatewayError(429, { retryAfterMs: 1500 }), 'req_1');
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.headers['retry-after-ms']).toBe('1500');
    expect(anthropicErrorResponse(gatewayError(429, { retryAfterMs: 0 }), 'r').headers['retry-after']).toBe('0');
  });

  it('sends x-should-retry only when the error says', () => {
    expect(anthropicErrorResponse(gatewayError(400, { shouldRetry: false }), 'r').headers['x-should-retry']).toBe(
      'false',
    );
    expect(anthropicErrorResponse(gatewayError(503, { shouldRetry: true }), 'r').headers['x-should-retry']).toBe(
      'true',
    );
  });

  it('lists the attempts with only their public fields', () => {
    const attempts: AttemptSummary[] = [
      { deployment: 'anthropic-direct', kind: 'overloaded', status: 529, message: 'Overloaded' },
      { deployment: 'bedrock-us-east-1', kind: 'timeout' },
    ];
    // Anything else an attempt object might carry at runtime stays out of the body.
    const leaky = [{ ...attempts[0]!, apiKey: 'secret-value' }, attempts[1]!];
    const answer = anthropicErrorResponse(
      gatewayError(503, { code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', attempts: leaky }),
      'req_9',
    );
    expect((answer.body.error as { attempts: unknown }).attempts).toEqual(attempts);
    expect(JSON.stringify(answer)).not.toContain('secret-value');
  });
});

describe('anthropicStreamErrorEvent', () => {
  it('is one SSE event with the event line and the Anthropic error body', () => {
    const text = anthropicStreamErrorEvent(gatewayError(529));
    expect(text).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"failed with 529"}}\n\n',
    );
  });
});

describe('anthropicErrorTypeForUpstream', () => {
  it('prefers an Anthropic provider code, then the status, then the kind', () => {
    expect(
      anthropicErrorTypeForUpstream(
        new UpstreamError({ kind: 'server', message: 'x', providerCode: 'overloaded_error' }),
      ),
    ).toBe('overloaded_error');
    expect(
      anthropicErrorTypeForUpstream(
        new UpstreamError({ kind: 'server', message: 'x', providerCode: 'server_error', status: 429 }),
      ),
    ).toBe('rate_limit_error');
    expect(anthropicErrorTypeForUpstream(new UpstreamError({ kind: 'rate-limited', message: 'x' }))).toBe(
      'rate_limit_error',
    );
    expect(anthropicErrorTypeForUpstream(new UpstreamError({ kind: 'overloaded', message: 'x' }))).toBe(
      'overloaded_error',
    );
    expect(anthropicErrorTypeForUpstream(new UpstreamError({ kind: 'first-token-timeout', message: 'x' }))).toBe(
      'timeout_error',
    );
    expect(anthropicErrorTypeForUpstream(new UpstreamError({ kind: 'stream-interrupted', message: 'x' }))).toBe(
      'api_error',
    );
  });
});
