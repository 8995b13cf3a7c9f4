// GatewayError → the error answer Bedrock Runtime gives before a stream starts (docs/protocols/bedrock.md
// §3.7): the same HTTP status, the exception name in `x-amzn-ErrorType`, and a `{"message"}` body.
// Retry headers are the same as in the other dialects, so SDK retry behaviour does not depend on the
// client's format (Anthropic's Bedrock SDK is the Anthropic SDK underneath and honours them).
import type { GatewayError } from '../../canonical/gateway-error.js';

export interface BedrockErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function bedrockErrorType(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 408:
    case 504:
      return 'ModelTimeoutException';
    case 429:
      return 'ThrottlingException';
    case 503:
    case 529:
      return 'ServiceUnavailableException';
    default:
      // Bedrock answers every other client error (a bad body, one too large) as a validation error.
      return status >= 400 && status < 500 ? 'ValidationException' : 'InternalServerException';
  }
}

export function bedrockErrorResponse(error: GatewayError, requestId: string): BedrockErrorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-ErrorType': bedrockErrorType(error.status),
    'x-amzn-RequestId': requestId,
  };
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  if (error.shouldRetry !== undefined) headers['x-should-retry'] = error.shouldRetry ? 'true' : 'false';
  // Bedrock answers an overload as ServiceUnavailableException with 503; it has no 529.
  return { status: error.status === 529 ? 503 : error.status, headers, body: { message: error.message } };
}
