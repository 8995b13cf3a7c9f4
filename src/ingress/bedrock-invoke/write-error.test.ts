// Bedrock-shaped error answers: status kept, exception name in x-amzn-ErrorType, {"message"} body,
// and the same retry headers as the other dialects.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { bedrockErrorResponse } from './write-error.js';

describe('bedrockErrorResponse', () => {
  it.each([
    [400, 'ValidationException'],
    [401, 'AccessDeniedException'],
    [403, 'AccessDeniedException'],
    [404, 'ResourceNotFoundException'],
    [408, 'ModelTimeoutException'],
    [413, 'ValidationException'],
    [429, 'ThrottlingException'],
    [500, 'InternalServerException'],
    [502, 'InternalServerException'],
    [503, 'ServiceUnavailableException'],
    [504, 'ModelTimeoutException'],
    [529, 'ServiceUnavailableException'],
  ])('status %i → %s', (status, type) => {
    const answer = bedrockErrorResponse(
      new GatewayError({ status, code: 'SWITCHYARD_UPSTREAM_ERROR', message: `failed with ${status}` }),
      'req_1',
    );
    // Bedrock has no 529: an overload is ServiceUnavailableException with 503.
    expect(answer.status).toBe(status === 529 ? 503 : status);
    expect(answer.headers['x-amzn-ErrorType']).toBe(type);
    expect(answer.headers['x-amzn-RequestId']).toBe('req_1');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toEqual({ message: `failed with ${status}` });
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(answer.headers['x-should-retry']).toBeUndefined();
  });

  it('carries retry-after, retry-after-ms and x-should-retry', () => {
    const answer = bedrockErrorResponse(
      new GatewayError({
        status: 503,
        code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
        message: 'every deployment failed',
        retryAfterMs: 1500,
        shouldRetry: true,
        attempts: [{ deployment: 'claude-a', kind: 'overloaded', status: 529 }],
      }),
      'req_2',
    );
    expect(answer.headers).toMatchObject({ 'retry-after': '2', 'retry-after-ms': '1500', 'x-should-retry': 'true' });
    expect(answer.body).toEqual({ message: 'every deployment failed' });
  });

  it('says x-should-retry: false for a request retrying cannot fix', () => {
    const answer = bedrockErrorResponse(
      new GatewayError({
        status: 400,
        code: 'SWITCHYARD_INVALID_REQUEST',
        message: 'messages: required',
        shouldRetry: false,
      }),
      'req_3',
    );
    expect(answer.headers['x-should-retry']).toBe('false');
  });
});
