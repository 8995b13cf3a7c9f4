// The body and the answer of Anthropic's token counting (docs/protocols/anthropic-messages.md §1.6),
// which Vertex's `count-tokens:rawPredict` takes too: the Messages body with `model`, minus what only
// generation takes (the API refuses fields it does not know), answered by `{"input_tokens": N}`.
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import { isRecord } from '../../util/wire-values.js';
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

/** `{"input_tokens": N}` → N; anything else is the upstream answering something we cannot read. */
export function readInputTokens(provider: string, body: unknown): number {
  const count = isRecord(body) ? body.input_tokens : undefined;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0) return count;
  throw new UpstreamError({
    kind: 'server',
    providerCode: 'malformed_response',
    message: `${provider} answered the token count without input_tokens`,
  });
}
