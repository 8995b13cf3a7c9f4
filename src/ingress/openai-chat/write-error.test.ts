import { describe, expect, it } from 'vitest';
import type { SwitchyardErrorCode } from '../../canonical/errors.js';
import { GatewayError, type GatewayErrorInit } from '../../canonical/gateway-error.js';
import { openAIErrorResponse, openAIStreamErrorChunk } from './write-error.js';
import type { AttemptSummary } from '../../canonical/attempt.js';

function gatewayError(init: Partial<GatewayErrorInit> & { status: number; code: SwitchyardErrorCode }): GatewayError {
  return new GatewayError({ message: 'Something happened', ...init });
}

describe('openAIErrorResponse', () => {
  it.each<[number, SwitchyardErrorCode, string | undefined, string, string]>([
    [400, 'SWITCHYARD_INVALID_REQUEST', undefined, 'invalid_request_error', 'switchyard_invalid_request'],
    [401, 'SWITCHYARD_UNAUTHENTICATED', undefined, 'authentication_error', 'invalid_api_key'],
    [403, 'SWITCHYARD_UNAUTHENTICATED', undefined, 'permission_error', 'switchyard_unauthenticated'],
    [404, 'SWITCHYARD_UNKNOWN_MODEL', undefined, 'not_found_error', 'model_not_found'],
    [404, 'SWITCHYARD_NOT_FOUND', undefined, 'not_found_error', 'switchyard_not_found'],
    [413, 'SWITCHYARD_BODY_TOO_LARGE', undefined, 'invalid_request_error', 'request_too_large'],
    [429, 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', 'rate_limit_error', 'rate_limit_error', 'rate_limit_exceeded'],
    [500, 'SWITCHYARD_INTERNAL', undefined, 'server_error', 'switchyard_internal'],
    [502, 'SWITCHYARD_UPSTREAM_ERROR', 'api_error', 'server_error', 'api_error'],
    [503, 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', 'overloaded_error', 'service_unavailable', 'overloaded_error'],
    [504, 'SWITCHYARD_DEADLINE_EXCEEDED', undefined, 'server_error', 'switchyard_deadline_exceeded'],
  ])('status %i %s (upstream %s) → type %s, code %s', (status, code, upstreamType, type, expectedCode) => {
    const answer = openAIErrorResponse(
      gatewayError({ status, code, ...(upstreamType ? { upstreamType } : {}) }),
      'req_1',
    );
    expect(answer.status).toBe(status);
    expect(answer.body).toStrictEqual({
      error: { message: 'Something happened', type, param: null, code: expectedCode },
    });
  });

  it('carries param, the request id and x-should-retry: false for an invalid request', () => {
    const answer = openAIErrorResponse(
      gatewayError({
        status: 400,
        code: 'SWITCHYARD_INVALID_REQUEST',
        param: 'messages[0].content',
        shouldRetry: false,
      }),
      'req_42',
    );
    expect(answer.headers).toStrictEqual({
      'content-type': 'application/json',
      'x-request-id': 'req_42',
      'x-should-retry': 'false',
    });
    expect((answer.body.error as { param: string }).param).toBe('messages[0].content');
  });

  it('sends retry-after in whole seconds rounded up and retry-after-ms', () => {
    const answer = openAIErrorResponse(
      gatewayError({ status: 429, code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', retryAfterMs: 1500 }),
      'r',
    );
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.headers['retry-after-ms']).toBe('1500');
    expect(answer.headers['x-should-retry']).toBeUndefined();
    const none = openAIErrorResponse(gatewayError({ status: 503, code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED' }), 'r');
    expect(none.headers['retry-after']).toBeUndefined();
    expect(none.headers['retry-after-ms']).toBeUndefined();
  });

  it('includes the attempts when set', () => {
    const attempts: AttemptSummary[] = [
      { deployment: 'anthropic-direct', kind: 'overloaded', status: 529, message: 'Overloaded' },
      { deployment: 'bedrock-us-east-1', kind: 'timeout' },
    ];
    const answer = openAIErrorResponse(
      gatewayError({ status: 503, code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', attempts }),
      'r',
    );
    expect((answer.body.error as { attempts: unknown }).attempts).toStrictEqual(attempts);
  });
});

describe('openAIStreamErrorChunk', () => {
  it('is one SSE data chunk holding the error object', () => {
    const text = openAIStreamErrorChunk(
      gatewayError({ status: 502, code: 'SWITCHYARD_STREAM_INTERRUPTED', message: 'cut off' }),
    );
    expect(text).toBe(
      'data: {"error":{"message":"cut off","type":"server_error","param":null,"code":"switchyard_stream_interrupted"}}\n\n',
    );
  });
});
