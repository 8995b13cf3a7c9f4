// Reads the count out of a token-counting answer: every provider answers one JSON object with one
// count field (`input_tokens`, `inputTokens`, `totalTokens`); anything else is the upstream
// answering something we cannot read, a server failure of that deployment.
import { UpstreamError } from '../canonical/errors.js';
import { isRecord } from '../util/wire-values.js';

export function readTokenCount(provider: string, body: unknown, field: string): number {
  const count = isRecord(body) ? body[field] : undefined;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0) return count;
  throw new UpstreamError({
    kind: 'server',
    providerCode: 'malformed_response',
    message: `${provider} answered the token count without ${field}`,
  });
}
