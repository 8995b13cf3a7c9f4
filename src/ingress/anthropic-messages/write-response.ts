// CanonicalResponse → the Anthropic Message JSON a non-streaming client receives (docs/protocols/anthropic-messages.md §1.3).
// `model` is always the name the client asked for, whichever deployment served it.
import type { CanonicalResponse, OutputBlock } from '../../canonical/response.js';
import type { Usage } from '../../canonical/usage.js';
import { mapStopReason } from './map-stop-reason.js';
import { anthropicMessageId } from './message-id.js';

export function toAnthropicResponse(response: CanonicalResponse, clientModel: string): Record<string, unknown> {
  const stopReason = mapStopReason(response.finishReason);
  return {
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: clientModel,
    content: response.content.map(toAnthropicBlock),
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? (response.stopSequence ?? null) : null,
    usage: toAnthropicUsage(response.usage),
  };
}

export function toAnthropicUsage(usage: Usage): Record<string, number> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
}

function toAnthropicBlock(block: OutputBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool-call':
      return { type: 'tool_use', id: block.id, name: block.name, input: toInputObject(block.input) };
    case 'thinking':
      // The SDK types `signature` as a string; reasoning from other vendors has none.
      return { type: 'thinking', thinking: block.text, signature: block.signature ?? '' };
    case 'redacted-thinking':
      return { type: 'redacted_thinking', data: block.data };
  }
}

/**
 * Anthropic tool input is always an object, and clients send it back in their history, where
 * anything else is a 400. A model that produced arguments that are not a JSON object (possible
 * through OpenAI-style string arguments) gets them parsed when they are JSON text, else `{}`.
 */
function toInputObject(input: unknown): Record<string, unknown> {
  if (isPlainObject(input)) return input;
  if (typeof input === 'string') {
    try {
      const parsed: unknown = JSON.parse(input);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // not JSON: fall through
    }
  }
  return {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
