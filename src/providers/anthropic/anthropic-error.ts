// Anthropic error bodies (docs/protocols/anthropic-messages.md §1.5) → classified UpstreamError, for non-2xx answers
// and for the in-band `event: error` of a stream that already answered 200.
import { UpstreamError, type FailureKind } from '../../canonical/errors.js';
import { headerValue, type WireHeaders } from '../adapter.js';
import {
  kindForStatus,
  looksLikeContextLength,
  looksLikeUnsupportedFeature,
  retryAfterMs,
} from '../classify-status.js';
import type { AnthropicErrorDetail } from './anthropic-api.js';
import { parseJson, trimErrorMessage } from '../../util/wire-values.js';

/**
 * The kind an error type implies whatever the status. Types missing here (invalid_request_error,
 * which Anthropic also uses for other 4xx, and types we do not know) fall back to the status.
 */
const kindsByErrorType: Record<string, FailureKind> = {
  // A 529, but also seen behind other statuses (500, or 200 then an SSE error event).
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate-limited',
  api_error: 'server',
  timeout_error: 'timeout',
  authentication_error: 'auth',
  permission_error: 'auth',
  // 402: this deployment's account cannot pay. Another deployment (another account) may serve the
  // request, and this one stays broken until someone acts, which is what 'auth' means.
  billing_error: 'auth',
  not_found_error: 'not-found',
  // 413 from the API or from Cloudflare before it: the body is too big for any Anthropic deployment.
  request_too_large: 'invalid-request',
};

/** Reads `{type:'error', error:{type, message}}`; undefined when the value does not have that shape. */
export function readAnthropicErrorDetail(value: unknown): AnthropicErrorDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, message } = error as { type?: unknown; message?: unknown };
  if (typeof type !== 'string') return undefined;
  return { type, message: typeof message === 'string' ? message : '' };
}

/** The failure kind for an Anthropic error type; `status` is undefined for in-band stream errors. */
export function kindForAnthropicError(detail: AnthropicErrorDetail, status?: number): FailureKind {
  const byType = Object.hasOwn(kindsByErrorType, detail.type) ? kindsByErrorType[detail.type] : undefined;
  if (byType !== undefined) return byType;
  // "prompt is too long: 215000 tokens > 200000 maximum" arrives as a plain invalid_request_error.
  if (looksLikeContextLength(detail.message, detail.type)) return 'context-length';
  // An unknown beta or a field this platform (Vertex, a clone) lacks: another deployment may take it.
  if (status === 400 && looksLikeUnsupportedFeature(detail.message)) return 'unsupported-feature';
  if (status !== undefined) return kindForStatus(status);
  // An in-band error after a 200 that we cannot place: treat it as the upstream failing.
  return detail.type === 'invalid_request_error' ? 'invalid-request' : 'server';
}

/** Classifies a non-2xx answer. Never throws, whatever the body (HTML error pages included). */
export function parseAnthropicError(status: number, headers: WireHeaders, bodyText: string): UpstreamError {
  const parsed = parseJson(bodyText);
  const detail = readAnthropicErrorDetail(parsed);
  const requestId =
    (typeof (parsed as { request_id?: unknown } | undefined)?.request_id === 'string'
      ? (parsed as { request_id: string }).request_id
      : undefined) ?? headerValue(headers, 'request-id');
  const suffix = requestId === undefined ? '' : ` (request ${requestId})`;
  if (detail === undefined) {
    // Not Anthropic's JSON: a proxy or load balancer page. Keep a readable snippet without the markup.
    const snippet = bodyText.replace(/<[^>]*>/g, ' ');
    return new UpstreamError({
      kind: kindForStatus(status),
      status,
      message: trimErrorMessage(`anthropic ${status}: ${snippet}`) + suffix,
      retryAfterMs: retryAfterMs(headers),
    });
  }
  return new UpstreamError({
    kind: kindForAnthropicError(detail, status),
    status,
    providerCode: detail.type,
    message: trimErrorMessage(`anthropic ${status} ${detail.type}: ${detail.message}`) + suffix,
    retryAfterMs: retryAfterMs(headers),
  });
}

/** An error carried after a 200: the `event: error` of a stream (the streaming counterpart of a 529), or an error body behind a 2xx. */
export function inBandAnthropicError(data: unknown): UpstreamError {
  const detail = readAnthropicErrorDetail(data) ?? { type: 'unknown_error', message: 'error event without a body' };
  return new UpstreamError({
    kind: kindForAnthropicError(detail),
    providerCode: detail.type,
    message: trimErrorMessage(`anthropic in-band ${detail.type}: ${detail.message}`),
  });
}
