// Helpers for tool calls as they come back: ids for upstreams that leave them out (some compatible
// servers; ids must be unique across a conversation, so they come from the injected Random rather
// than a counter) and argument strings that must become objects.
import type { Random } from '../../util/random.js';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function syntheticToolCallId(random: Random): string {
  let suffix = '';
  for (let position = 0; position < 24; position++)
    suffix += alphabet[Math.floor(random.next() * alphabet.length)] ?? 'x';
  return `call_${suffix}`;
}

/** Arguments are a JSON string on the wire. Canonical input must be an object (Anthropic requires one). */
export function parseToolArguments(text: string | null | undefined): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim().length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // A model that emits broken JSON (it happens, docs/protocols/translation.md §6.1) gets an empty call rather than
    // failing the whole answer: the tool then reports the missing arguments and the model retries.
  }
  return {};
}
