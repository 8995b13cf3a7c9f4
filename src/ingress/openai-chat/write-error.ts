// GatewayError → OpenAI's error shape `{"error":{"message","type","param","code"}}`
// (docs/protocols/openai-chat.md §2.4), as an HTTP answer or as an in-band stream chunk. The headers steer
// the official SDKs' retries (§9): retry-after(-ms) when we know when, x-should-retry: false when
// retrying cannot help.
import type { GatewayError } from '../../canonical/gateway-error.js';

interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
  attempts?: GatewayError['attempts'];
}

/** 529 is Anthropic's overload status; OpenAI clients know 503 for it. */
function openAIStatus(status: number): number {
  return status === 529 ? 503 : status;
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI clients branch on `code` (rate_limit_exceeded vs insufficient_quota), so the well-known ones are fixed. */
function errorCode(error: GatewayError): string {
  if (error.status === 401) return 'invalid_api_key';
  if (error.status === 404 && error.code === 'SWITCHYARD_UNKNOWN_MODEL') return 'model_not_found';
  if (error.status === 413) return 'request_too_large';
  if (error.status === 429) return 'rate_limit_exceeded';
  return error.upstreamType ?? error.code.toLowerCase();
}

function errorObject(error: GatewayError): OpenAIErrorObject {
  const body: OpenAIErrorObject = {
    message: error.message,
    type: errorType(openAIStatus(error.status)),
    param: error.param ?? null,
    code: errorCode(error),
  };
  if (error.attempts !== undefined) body.attempts = error.attempts;
  return body;
}

export function openAIErrorResponse(
  error: GatewayError,
  requestId: string,
): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-request-id': requestId,
  };
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  if (error.shouldRetry === false) headers['x-should-retry'] = 'false';
  return { status: openAIStatus(error.status), headers, body: { error: errorObject(error) } };
}

/** An in-band error for a stream whose headers already went out; openai-node throws APIError on it. */
export function openAIStreamErrorChunk(error: GatewayError): string {
  return `data: ${JSON.stringify({ error: errorObject(error) })}\n\n`;
}
