// GatewayError → Anthropic's error shape: the HTTP answer (status, retry headers, body) before a
// stream starts, or an in-band `event: error` once it has (docs/protocols/ §1.4, §1.5, §9).
import type { GatewayError } from '../../canonical/gateway-error.js';
import { anthropicErrorTypeForStatus } from './anthropic-error-type.js';

export interface AnthropicErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function anthropicErrorResponse(error: GatewayError, requestId: string): AnthropicErrorResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
    // The SDKs read retry-after-ms first and honour it exactly; retry-after (whole seconds) is for everyone else.
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  if (error.shouldRetry !== undefined) headers['x-should-retry'] = error.shouldRetry ? 'true' : 'false';
  return {
    status: error.status,
    headers,
    body: { type: 'error', error: errorObject(error), request_id: requestId },
  };
}

/** The SSE text of one `error` event; the stream must end right after it. */
export function anthropicStreamErrorEvent(error: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: errorObject(error) })}\n\n`;
}

/** The same event for an error type and message known directly (a mid-stream upstream failure). */
export function anthropicStreamErrorText(type: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}

function errorObject(error: GatewayError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: error.upstreamType ?? anthropicErrorTypeForStatus(error.status),
    message: error.message,
  };
  if (error.attempts !== undefined) {
    // Copy field by field: only what the client may see, never anything else an attempt might carry.
    body.attempts = error.attempts.map((attempt) => {
      const summary: Record<string, unknown> = { deployment: attempt.deployment, kind: attempt.kind };
      if (attempt.status !== undefined) summary.status = attempt.status;
      if (attempt.message !== undefined) summary.message = attempt.message;
      return summary;
    });
  }
  return body;
}
