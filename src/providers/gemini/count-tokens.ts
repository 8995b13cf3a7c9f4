// Gemini's countTokens (docs/protocols/google.md §4.2), on the Gemini API and on Vertex's google
// publisher: the same input a generateContent call would send, answered by `{"totalTokens": N}`. The
// Gemini API takes it wrapped as `generateContentRequest` (with the model's resource name), so system
// instruction and tools are counted too; Vertex takes contents, systemInstruction, tools and
// generationConfig at the top level, and no toolConfig.
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import { isRecord } from '../../util/wire-values.js';
import { buildGeminiBody } from './convert-request.js';

export function buildGeminiApiCountTokensBody(
  request: CanonicalRequest,
  model: string,
  modelResource: string,
): Record<string, unknown> {
  return { generateContentRequest: { model: modelResource, ...buildGeminiBody(request, model) } };
}

export function buildVertexGeminiCountTokensBody(request: CanonicalRequest, model: string): Record<string, unknown> {
  const { toolConfig: _toolConfig, ...body } = buildGeminiBody(request, model);
  return { ...body };
}

/** `{"totalTokens": N}` → N. */
export function readTotalTokens(provider: string, body: unknown): number {
  const count = isRecord(body) ? body.totalTokens : undefined;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0) return count;
  throw new UpstreamError({
    kind: 'server',
    providerCode: 'malformed_response',
    message: `${provider} answered countTokens without totalTokens`,
  });
}
