// Gemini's countTokens (docs/protocols/google.md §4.2), on the Gemini API and on Vertex's google
// publisher: the same input a generateContent call would send, answered by `{"totalTokens": N}`. The
// Gemini API takes it wrapped as `generateContentRequest` (with the model's resource name), so system
// instruction and tools are counted too; Vertex takes contents, systemInstruction, tools and
// generationConfig at the top level, and no toolConfig.
import type { CanonicalRequest } from '../../canonical/request.js';
import { readTokenCount } from '../read-token-count.js';
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
  return readTokenCount(provider, body, 'totalTokens');
}
