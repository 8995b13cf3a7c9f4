// The body and the answer of Anthropic's token counting (docs/protocols/anthropic-messages.md §1.6),
// which Vertex's `count-tokens:rawPredict` takes too: the Messages body with `model`, minus what only
// generation takes (the API refuses fields it does not know), answered by `{"input_tokens": N}`.
import type { CanonicalRequest } from '../../canonical/request.js';
import { readTokenCount } from '../read-token-count.js';
import { buildAnthropicBody } from './convert-request.js';

/** Fields of a Messages body that steer generation and mean nothing to a count. */
const generationOnlyFields = [
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'service_tier',
  'container',
];

/** The count body: an Anthropic client's own count body is forwarded (with the deployment's model), anything else converted. */
export function buildCountTokensBody(request: CanonicalRequest, model: string): Record<string, unknown> {
  const body = buildAnthropicBody(request, model);
  for (const field of generationOnlyFields) delete body[field];
  return body;
}

/** `{"input_tokens": N}` → N. */
export function readInputTokens(provider: string, body: unknown): number {
  return readTokenCount(provider, body, 'input_tokens');
}
