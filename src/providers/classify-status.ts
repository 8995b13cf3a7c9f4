// The default HTTP status → failure kind mapping and retry-after parsing that every adapter starts
// from; adapters refine it with their provider's error codes (e.g. OpenAI's insufficient_quota).
import type { FailureKind } from '../canonical/errors.js';
import { headerValue, type WireHeaders } from './adapter.js';

export function kindForStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'server';
  if (status === 429) return 'rate-limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid-request';
}

const contextLengthPattern =
  /(context[ _-]?(length|window)|too many tokens|prompt is too long|maximum context|input is too long|exceeds the (model's )?(maximum|context))/i;

/** True when an error message says the prompt does not fit the model's context window. */
export function looksLikeContextLength(message: string, code?: string): boolean {
  if (code && /context_length_exceeded|model_context_window_exceeded/i.test(code)) return true;
  return contextLengthPattern.test(message);
}

/**
 * What platforms say when a request uses something they do not take: Bedrock "invalid beta flag" and
 * "extraneous key [context_management] is not permitted", Anthropic-format "Unexpected value(s) … for
 * the `anthropic-beta` header" and "context_management: Extra inputs are not permitted", OpenAI
 * "Unsupported parameter: 'reasoning_effort'" / "Unrecognized request argument", Google "Unknown name
 * … Cannot find field", and max_tokens above the model's limit.
 */
const unsupportedFeaturePattern =
  /(invalid beta flag|unexpected value\(s\)[^.]*anthropic-beta|unsupported beta|extraneous key|extra inputs are not permitted|unsupported (parameter|value)|unrecognized request argument|unknown name .* cannot find field|does(n.t| not) support|is not supported (on|by|for|with)|not supported on this (model|platform)|maximum allowed number of output tokens|max_tokens: \d+ > \d+)/i;

/** True when a 400 says this platform lacks a beta, field or feature the request uses (not the client's fault). */
export function looksLikeUnsupportedFeature(message: string, code?: string): boolean {
  if (code && /^(unsupported_parameter|unsupported_value|unsupported_feature)$/i.test(code)) return true;
  return unsupportedFeaturePattern.test(message);
}

/** Reads retry-after-ms, then retry-after (seconds or an HTTP date), as the official SDKs do. */
export function retryAfterMs(headers: WireHeaders, now: number = Date.now()): number | undefined {
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds !== undefined) {
    const parsed = Number.parseFloat(milliseconds);
    if (Number.isFinite(parsed) && parsed >= 0) return Math.round(parsed);
  }
  const value = headerValue(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}
