// A Vertex JSON answer → CanonicalResponse. The adapter interface does not pass the deployment to
// parseResponse, so the body says which publisher answered: an Anthropic Message (rawPredict) or a
// GenerateContentResponse (generateContent). The two shapes share no top-level field.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { convertAnthropicResponse } from '../anthropic/convert-response.js';
import { convertGeminiResponse, type GeminiConvertContext } from '../gemini/convert-response.js';

/** An Anthropic Message, or Anthropic's error body behind a 2xx. */
export function looksLikeAnthropicBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  return fields.type === 'message' || fields.type === 'error' || Array.isArray(fields.content);
}

export function convertVertexResponse(
  body: unknown,
  request: CanonicalRequest,
  context: GeminiConvertContext,
): CanonicalResponse {
  if (looksLikeAnthropicBody(body)) return convertAnthropicResponse(body);
  return convertGeminiResponse(body, request, context);
}
