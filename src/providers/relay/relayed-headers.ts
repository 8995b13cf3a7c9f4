// The upstream response headers a client may see on an answer a deployment served: the provider's
// own request id (what its support asks for) and its rate-limit state, which clients such as Claude
// Code read to pace themselves. Nothing else of the upstream's headers is passed on.
import type { WireHeaders } from '../adapter.js';

const relayedNames = new Set(['request-id', 'x-request-id', 'openai-processing-ms', 'openai-organization']);

/** Whether a (lower-case) upstream header name is one a client may see. */
function isRelayed(name: string): boolean {
  return relayedNames.has(name) || name.startsWith('anthropic-ratelimit-') || name.startsWith('x-ratelimit-');
}

export function relayedHeaders(headers: WireHeaders): Record<string, string> {
  const relayed: Record<string, string> = {};
  // Every answer passes here: a plain loop, no entry arrays.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!isRelayed(lower)) continue;
    relayed[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return relayed;
}
