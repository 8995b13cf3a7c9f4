// Google's error shape (docs/protocols/google.md §4.3) → classified UpstreamError, for the Gemini API and
// Vertex: `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`, as a
// non-2xx body (sometimes wrapped in a one-element array) or as an `error` chunk inside a stream.
// The google.rpc status name decides the kind when there is one; the HTTP status otherwise.
import { UpstreamError, type FailureKind } from '../../canonical/errors.js';
import type { WireHeaders } from '../adapter.js';
import {
  kindForStatus,
  looksLikeContextLength,
  looksLikeUnsupportedFeature,
  retryAfterMs,
} from '../classify-status.js';
import type { GoogleErrorDetail } from './gemini-api.js';
import { isRecord, parseJson, trimErrorMessage } from '../../util/wire-values.js';

/** google.rpc.Code names → kinds (standard HTTP mapping: https://cloud.google.com/apis/design/errors). */
const kindsByStatus: Record<string, FailureKind> = {
  INVALID_ARGUMENT: 'invalid-request',
  OUT_OF_RANGE: 'invalid-request',
  // "User location is not supported", "enable billing", a model not enabled for the project: this
  // deployment cannot serve until someone acts, and another deployment may.
  FAILED_PRECONDITION: 'auth',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  NOT_FOUND: 'not-found',
  // The method does not exist for this model or API version: the deployment is misconfigured.
  UNIMPLEMENTED: 'not-found',
  ABORTED: 'server',
  ALREADY_EXISTS: 'server',
  RESOURCE_EXHAUSTED: 'rate-limited',
  CANCELLED: 'server',
  INTERNAL: 'server',
  UNKNOWN: 'server',
  DATA_LOSS: 'server',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
};

/**
 * ErrorInfo reasons that say the credential or the account is at fault, whatever the status
 * (the Gemini API answers a bad key with 400 INVALID_ARGUMENT).
 */
const authReasons = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'SERVICE_DISABLED',
  'BILLING_DISABLED',
  'ACCESS_TOKEN_EXPIRED',
  'CONSUMER_INVALID',
]);

/** Reads Google's error detail from a parsed body or chunk; undefined when it is not that shape. */
export function readGoogleErrorDetail(value: unknown): GoogleErrorDetail | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (!isRecord(candidate) || !isRecord(candidate.error)) return undefined;
  const { code, message, status, details } = candidate.error;
  // Anthropic's error (`error.type`) has neither a numeric code nor a status name.
  if (typeof code !== 'number' && typeof status !== 'string') return undefined;
  const detail: GoogleErrorDetail = {
    message: typeof message === 'string' ? message : '',
    details: Array.isArray(details) ? details : [],
  };
  if (typeof code === 'number') detail.code = code;
  if (typeof status === 'string') detail.status = status;
  return detail;
}

function detailOfType(detail: GoogleErrorDetail, type: string): Record<string, unknown> | undefined {
  return detail.details.find(
    (entry): entry is Record<string, unknown> =>
      isRecord(entry) && typeof entry['@type'] === 'string' && entry['@type'].endsWith(`google.rpc.${type}`),
  );
}

/** RetryInfo.retryDelay: a Duration in JSON ("30s", "1.5s") or, rarely, {seconds, nanos}. */
export function googleRetryDelayMs(detail: GoogleErrorDetail): number | undefined {
  const delay = detailOfType(detail, 'RetryInfo')?.retryDelay;
  if (typeof delay === 'string') {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
    return match?.[1] === undefined ? undefined : Math.round(Number.parseFloat(match[1]) * 1000);
  }
  if (isRecord(delay)) {
    const seconds = Number(delay.seconds ?? 0);
    const nanos = Number(delay.nanos ?? 0);
    if (Number.isFinite(seconds) && Number.isFinite(nanos)) return Math.round(seconds * 1000 + nanos / 1e6);
  }
  return undefined;
}

function errorInfoReason(detail: GoogleErrorDetail): string | undefined {
  const reason = detailOfType(detail, 'ErrorInfo')?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** The kind of a Google error; `httpStatus` is undefined for an error chunk inside a stream. */
export function kindForGoogleError(detail: GoogleErrorDetail, httpStatus?: number): FailureKind {
  const reason = errorInfoReason(detail);
  if (reason !== undefined && authReasons.has(reason)) return 'auth';
  const byStatus =
    detail.status !== undefined && Object.hasOwn(kindsByStatus, detail.status)
      ? kindsByStatus[detail.status]
      : undefined;
  // "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
  if ((byStatus === 'invalid-request' || byStatus === undefined) && looksLikeContextLength(detail.message))
    return 'context-length';
  if (byStatus === 'invalid-request' && looksLikeUnsupportedFeature(detail.message)) return 'unsupported-feature';
  if (byStatus !== undefined) return byStatus;
  const status = httpStatus ?? detail.code;
  return status === undefined ? 'server' : kindForStatus(status);
}

/** A Google error that came with an HTTP status. */
export function googleErrorFromDetail(
  provider: string,
  status: number,
  headers: WireHeaders,
  detail: GoogleErrorDetail,
): UpstreamError {
  const code = detail.status ?? String(detail.code ?? status);
  const retryAfter = googleRetryDelayMs(detail) ?? retryAfterMs(headers);
  return new UpstreamError({
    kind: kindForGoogleError(detail, status),
    status,
    providerCode: errorInfoReason(detail) ?? code,
    message: trimErrorMessage(`${provider} ${status} ${code}: ${detail.message}`),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
}

/** A non-JSON (or unrecognised JSON) answer: a proxy or load balancer page. Classified by status. */
export function unrecognisedErrorBody(
  provider: string,
  status: number,
  headers: WireHeaders,
  bodyText: string,
): UpstreamError {
  const snippet = bodyText.replace(/<[^>]*>/g, ' ');
  const retryAfter = retryAfterMs(headers);
  return new UpstreamError({
    kind: kindForStatus(status),
    status,
    message: trimErrorMessage(`${provider} ${status}: ${snippet}`),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
}

/** Classifies a non-2xx answer of the Gemini API or Vertex's Gemini. Never throws, whatever the body. */
export function parseGoogleError(
  provider: string,
  status: number,
  headers: WireHeaders,
  bodyText: string,
): UpstreamError {
  const detail = readGoogleErrorDetail(parseJson(bodyText));
  if (detail === undefined) return unrecognisedErrorBody(provider, status, headers, bodyText);
  return googleErrorFromDetail(provider, status, headers, detail);
}

/** An `error` chunk after the stream answered 200, or an error body behind a 2xx. */
export function inBandGoogleError(provider: string, value: unknown): UpstreamError {
  const detail = readGoogleErrorDetail(value) ?? { message: 'error chunk without a Google error body', details: [] };
  const code = detail.status ?? (detail.code !== undefined ? String(detail.code) : 'UNKNOWN');
  const retryAfter = googleRetryDelayMs(detail);
  return new UpstreamError({
    kind: kindForGoogleError(detail),
    providerCode: errorInfoReason(detail) ?? code,
    message: trimErrorMessage(`${provider} in-band ${code}: ${detail.message}`),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
}
