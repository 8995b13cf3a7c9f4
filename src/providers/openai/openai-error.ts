// Error answers of OpenAI, Azure OpenAI and compatible servers → UpstreamError (docs/protocols/
// §2.4, §5). Bodies vary: `{error:{message,type,param,code}}`, `{error:"…"}` (Ollama),
// `{object:"error",…}` (vLLM), `{detail:"…"}` (FastAPI), or text / HTML from a proxy in front.
// The status decides the kind first (classify-status.ts); the provider's code refines it where the
// status is ambiguous.
import type { FailureKind } from '../../canonical/errors.js';
import { UpstreamError } from '../../canonical/errors.js';
import type { WireHeaders } from '../adapter.js';
import {
  kindForStatus,
  looksLikeContextLength,
  looksLikeUnsupportedFeature,
  retryAfterMs,
} from '../classify-status.js';
import type { OpenAIErrorPayload } from './openai-api.js';
import { isRecord, nonEmptyString, parseJson, truncateMessage } from '../../util/wire-values.js';

/** Finds the error payload in any of the body shapes above; undefined when there is none. */
export function readErrorPayload(value: unknown): OpenAIErrorPayload | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (!isRecord(candidate)) return undefined;
  const inner = candidate.error;
  if (typeof inner === 'string') return { message: inner };
  if (isRecord(inner)) return inner as OpenAIErrorPayload;
  if (candidate.object === 'error' || typeof candidate.message === 'string') return candidate as OpenAIErrorPayload;
  // FastAPI-based servers answer unknown routes and validation failures with `{detail: …}`.
  if (typeof candidate.detail === 'string') return { message: candidate.detail };
  return undefined;
}

/** The provider's own code: a string `code`, else `type` (vLLM puts the HTTP status number in `code`). */
function providerCodeOf(payload: OpenAIErrorPayload | undefined): string | undefined {
  return nonEmptyString(payload?.code) ?? nonEmptyString(payload?.type ?? undefined);
}

function codesOf(payload: OpenAIErrorPayload | undefined): string[] {
  return [payload?.code, payload?.type, payload?.innererror?.code]
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.toLowerCase());
}

function isContentFilter(codes: string[]): boolean {
  return codes.includes('content_filter') || codes.includes('responsibleaipolicyviolation');
}

/** Kind of an error answer with an HTTP status. */
export function classifyOpenAIError(status: number, payload: OpenAIErrorPayload | undefined): FailureKind {
  const codes = codesOf(payload);
  const message = payload?.message ?? '';
  // A billing problem of this deployment's account: retrying cannot help, another deployment can.
  if (status === 429 && codes.includes('insufficient_quota')) return 'auth';
  if (status === 400 || status === 413 || status === 422) {
    if (isContentFilter(codes)) return 'content-filter';
    if (looksLikeContextLength(message, nonEmptyString(payload?.code))) return 'context-length';
    if (looksLikeUnsupportedFeature(message, nonEmptyString(payload?.code))) return 'unsupported-feature';
  }
  return kindForStatus(status);
}

/** Kind of an error that arrived inside a 200 stream or body, where only the payload speaks. */
export function classifyInBandError(payload: OpenAIErrorPayload | undefined): FailureKind {
  const codes = codesOf(payload);
  const has = (...names: string[]) => names.some((name) => codes.includes(name));
  if (has('insufficient_quota')) return 'auth';
  if (has('rate_limit_exceeded', 'rate_limit_error', 'rate_limit', 'tokens', 'requests')) return 'rate-limited';
  if (has('overloaded', 'overloaded_error', 'slow_down', 'service_unavailable', 'server_overloaded'))
    return 'overloaded';
  if (isContentFilter(codes)) return 'content-filter';
  if (has('context_length_exceeded') || looksLikeContextLength(payload?.message ?? '')) return 'context-length';
  // Azure puts the status in `status`, vLLM in `code`.
  const status = typeof payload?.status === 'number' ? payload.status : payload?.code;
  if (typeof status === 'number' && status >= 400) return classifyOpenAIError(status, payload);
  return 'server';
}

/**
 * The adapter does not receive the deployment's key here, so anything shaped like a credential is
 * masked: OpenAI echoes (partly masked) keys in 401 messages, proxies echo headers.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/\bsk-[A-Za-z0-9_*-]{4,}/g, 'sk-[redacted]')
    .replace(/\b(Bearer|api-key:?)\s+[^\s"',]+/gi, '$1 [redacted]')
    .replace(/[A-Za-z0-9_+=-]{32,}/g, '[redacted]');
}

function textOfNonJsonBody(bodyText: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(bodyText)?.[1];
  const text =
    title ?? bodyText.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
  return text.replace(/\s+/g, ' ').trim();
}

export function formatErrorMessage(
  provider: string,
  status: number | undefined,
  code: string | undefined,
  detail: string,
): string {
  const head = [provider, status === undefined ? undefined : String(status), code].filter(Boolean).join(' ');
  const message = redactCredentials(`${head}: ${detail || 'no error message'}`);
  return truncateMessage(message);
}

/** A non-2xx answer → UpstreamError with kind, status, provider code and retry-after. */
export function parseOpenAIError(
  provider: string,
  status: number,
  headers: WireHeaders,
  bodyText: string,
): UpstreamError {
  const payload = readErrorPayload(parseJson(bodyText));
  const providerCode = providerCodeOf(payload);
  const detail = payload ? (payload.message ?? '') : textOfNonJsonBody(bodyText);
  return new UpstreamError({
    kind: classifyOpenAIError(status, payload),
    message: formatErrorMessage(provider, status, providerCode, detail),
    status,
    providerCode,
    retryAfterMs: retryAfterMs(headers),
  });
}

/** An error that arrived in band (an `error` chunk, `event: error`, or an `error` key in a 200 body). */
export function inBandOpenAIError(provider: string, value: unknown): UpstreamError {
  const payload = readErrorPayload(value) ?? (typeof value === 'string' ? { message: value } : undefined);
  const providerCode = providerCodeOf(payload);
  return new UpstreamError({
    kind: classifyInBandError(payload),
    message: formatErrorMessage(provider, undefined, providerCode, payload?.message ?? ''),
    providerCode,
  });
}
