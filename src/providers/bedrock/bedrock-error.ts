// Bedrock errors (docs/protocols/bedrock.md §3.7) → classified UpstreamError: non-2xx answers (the error
// type from `x-amzn-ErrorType`, parsed as the AWS SDK does, else from the body), and the exception
// frames of an event stream that already answered 200 (`:exception-type: throttlingException`, …).
import { UpstreamError, type FailureKind } from '../../canonical/errors.js';
import type { WireHeaders } from '../adapter.js';
import {
  kindForStatus,
  looksLikeContextLength,
  looksLikeUnsupportedFeature,
  retryAfterMs,
} from '../classify-status.js';
import { parseJsonRecord, trimErrorMessage } from '../../util/wire-values.js';

/**
 * The kind each exception implies whatever the status. ValidationException is refined by its message
 * (see kindForValidation); exceptions missing here fall back to the status.
 */
const kindsByException: Record<string, FailureKind> = {
  ThrottlingException: 'rate-limited',
  // Quota exhaustion of this account: a cool-down for this deployment, another may serve the request.
  ServiceQuotaExceededException: 'rate-limited',
  // 429 too, but it means the model is warming up (the AWS SDK retries it): capacity, not our rate.
  ModelNotReadyException: 'overloaded',
  ServiceUnavailableException: 'overloaded',
  InternalServerException: 'server',
  InternalFailure: 'server',
  // 424: the model failed while answering. Counted as a server failure so another deployment gets a go.
  ModelErrorException: 'server',
  // 424 mid-stream; its documentation says to retry.
  ModelStreamErrorException: 'stream-interrupted',
  ModelTimeoutException: 'timeout',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  IncompleteSignatureException: 'auth',
  MissingAuthenticationTokenException: 'auth',
  ExpiredTokenException: 'auth',
  ResourceNotFoundException: 'not-found',
  ConflictException: 'invalid-request',
};

/** `x-amzn-ErrorType` / `code` / `__type` → the bare exception name, as the AWS SDK's sanitizeErrorCode does. */
export function sanitizeErrorCode(raw: string): string {
  let value = raw;
  if (value.includes(',')) value = value.split(',')[0] ?? value;
  if (value.includes(':')) value = value.split(':')[0] ?? value;
  if (value.includes('#')) value = value.split('#')[1] ?? value;
  return value.trim();
}

/** Exception frames name the member (`throttlingException`); the table uses the shape name. */
function shapeName(code: string): string {
  return code.length > 0 ? code[0]!.toUpperCase() + code.slice(1) : code;
}

/**
 * A ValidationException is usually the client's fault, but not always: a deployment configured with
 * a model id that cannot serve on-demand traffic is broken (not-found: fail over, eject), and a field
 * or beta flag that this upstream does not take, or a max_tokens above this model's limit, is the
 * request not fitting this deployment (local: another deployment may serve the same request, and
 * this one's health is not to blame: unsupported-feature).
 */
function kindForValidation(message: string): FailureKind {
  if (looksLikeContextLength(message) || /exceeds? (the )?context limit/i.test(message)) return 'context-length';
  if (/on-demand throughput isn.t supported|model identifier is invalid|inference profile/i.test(message))
    return 'not-found';
  if (looksLikeUnsupportedFeature(message)) return 'unsupported-feature';
  return 'invalid-request';
}

export function kindForBedrockError(code: string | undefined, message: string, status?: number): FailureKind {
  const name = code === undefined ? undefined : shapeName(code);
  if (name === 'ValidationException') return kindForValidation(message);
  if (name !== undefined && Object.hasOwn(kindsByException, name)) return kindsByException[name]!;
  if (looksLikeContextLength(message)) return 'context-length';
  if (status !== undefined) return kindForStatus(status);
  // An exception frame we cannot place: the upstream failing mid-answer.
  return 'server';
}

/** Bedrock bodies say `message`, sometimes `Message`. */
function messageOf(body: Record<string, unknown> | undefined): string | undefined {
  const value = body?.message ?? body?.Message;
  return typeof value === 'string' ? value : undefined;
}

/** Header lookup ignoring case, as the AWS SDK does (undici lower-cases names; fixtures and proxies may not). */
function findHeader(headers: WireHeaders, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Classifies a non-2xx answer. Never throws, whatever the body (HTML error pages included). */
export function parseBedrockError(status: number, headers: WireHeaders, bodyText: string): UpstreamError {
  const body = parseJsonRecord(bodyText);
  const rawCode =
    findHeader(headers, 'x-amzn-errortype') ??
    (typeof body?.code === 'string' ? body.code : undefined) ??
    (typeof body?.__type === 'string' ? body.__type : undefined);
  const code = rawCode === undefined ? undefined : sanitizeErrorCode(rawCode) || undefined;
  const requestId = findHeader(headers, 'x-amzn-requestid');
  const suffix = requestId === undefined ? '' : ` (request ${requestId})`;
  const message = messageOf(body) ?? bodyText.replace(/<[^>]*>/g, ' ');
  return new UpstreamError({
    kind: kindForBedrockError(code, message, status),
    status,
    ...(code === undefined ? {} : { providerCode: code }),
    message: trimErrorMessage(`bedrock ${status}${code === undefined ? '' : ` ${code}`}: ${message}`) + suffix,
    retryAfterMs: retryAfterMs(headers),
  });
}

/**
 * An exception frame (`:message-type: exception`, `:exception-type: <member>`, JSON payload with a
 * message) or an unmodeled error frame (`:message-type: error`, `:error-code`, `:error-message`)
 * after a 200. ModelStreamErrorException also carries the model's own status and message.
 */
export function bedrockStreamError(code: string, payloadText: string, headerMessage?: string): UpstreamError {
  const body = parseJsonRecord(payloadText);
  const name = shapeName(code);
  let message = headerMessage ?? messageOf(body) ?? '';
  const originalMessage = body?.originalMessage;
  if (typeof originalMessage === 'string' && originalMessage.length > 0)
    message = `${message} (model: ${originalMessage})`;
  // No status: the answer was a 200, and a status such as 424 would read as the client's fault downstream.
  return new UpstreamError({
    kind: kindForBedrockError(code, message),
    providerCode: name,
    message: trimErrorMessage(`bedrock in-band ${name}: ${message}`),
  });
}
