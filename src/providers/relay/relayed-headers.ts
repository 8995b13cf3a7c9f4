// The upstream response headers a client may see on an answer a deployment served: the provider's
// own request id (what its support asks for) and its rate-limit state, which clients such as Claude
// Code read to pace themselves. Nothing else of the upstream's headers is passed on.
import type { WireHeaders } from '../adapter.js';

const relayedNames = new Set(['request-id', 'x-request-id', 'openai-processing-ms', 'openai-organization']);
const relayedPrefixes = ['anthropic-ratelimit-', 'x-ratelimit-'];

export function relayedHeaders(headers: WireHeaders): Record<string, string> {
  const relayed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!relayedNames.has(lower) && !relayedPrefixes.some((prefix) => lower.startsWith(prefix))) continue;
    relayed[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return relayed;
}
