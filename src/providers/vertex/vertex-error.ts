// Vertex error answers → UpstreamError. Vertex may answer in either shape (docs/protocols/google.md §4.1):
// Google's `{error:{code,message,status,details}}` for platform errors (quota, permissions, a model
// not enabled) and, for Claude, Anthropic's `{type:"error",error:{type,message}}` from the model
// server behind rawPredict. Each is classified by its own rules; anything else by the HTTP status.
import { UpstreamError } from '../../canonical/errors.js';
import type { WireHeaders } from '../adapter.js';
import { retryAfterMs } from '../classify-status.js';
import { kindForAnthropicError, readAnthropicErrorDetail } from '../anthropic/anthropic-error.js';
import { googleErrorFromDetail, readGoogleErrorDetail, unrecognisedErrorBody } from '../gemini/google-error.js';
import { parseJson, trimErrorMessage } from '../../util/wire-values.js';

/** Classifies a non-2xx answer. Never throws, whatever the body (HTML error pages included). */
export function parseVertexError(status: number, headers: WireHeaders, bodyText: string): UpstreamError {
  const parsed = parseJson(bodyText);
  const google = readGoogleErrorDetail(parsed);
  if (google !== undefined) return googleErrorFromDetail('vertex', status, headers, google);
  const anthropic = readAnthropicErrorDetail(parsed);
  if (anthropic !== undefined) {
    const retryAfter = retryAfterMs(headers);
    return new UpstreamError({
      kind: kindForAnthropicError(anthropic, status),
      status,
      providerCode: anthropic.type,
      message: trimErrorMessage(`vertex ${status} ${anthropic.type}: ${anthropic.message}`),
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    });
  }
  return unrecognisedErrorBody('vertex', status, headers, bodyText);
}
