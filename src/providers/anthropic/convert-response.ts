// An Anthropic Message (docs/protocols/anthropic-messages.md §1.3) → CanonicalResponse, and Anthropic usage → Usage.
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalResponse, OutputBlock } from '../../canonical/response.js';
import type { Usage } from '../../canonical/usage.js';
import type { AnthropicUsage } from './anthropic-api.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';
import { inBandAnthropicError } from './anthropic-error.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Anthropic's split is the canonical one: input_tokens already excludes cache reads and writes. */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const converted: Usage = {
    inputTokens: count(usage?.input_tokens) ?? 0,
    outputTokens: count(usage?.output_tokens) ?? 0,
    cacheReadTokens: count(usage?.cache_read_input_tokens) ?? 0,
    cacheWriteTokens: count(usage?.cache_creation_input_tokens) ?? 0,
  };
  const reasoningTokens = count(usage?.output_tokens_details?.thinking_tokens);
  if (reasoningTokens !== undefined) converted.reasoningTokens = reasoningTokens;
  return converted;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * One output block. Server-tool blocks (server_tool_use, web_search_tool_result, code execution
 * results, …) are dropped: the canonical response has no place for them, and flattening them to text
 * would put words in the model's mouth that it never said. Citations on text blocks are dropped too.
 */
export function convertOutputBlock(block: unknown): OutputBlock | undefined {
  if (typeof block !== 'object' || block === null) return undefined;
  const fields = block as Record<string, unknown>;
  switch (fields.type) {
    case 'text':
      return { type: 'text', text: text(fields.text) };
    case 'tool_use':
      return { type: 'tool-call', id: text(fields.id), name: text(fields.name), input: fields.input ?? {} };
    case 'thinking': {
      const signature = text(fields.signature);
      return signature.length > 0
        ? { type: 'thinking', text: text(fields.thinking), signature }
        : { type: 'thinking', text: text(fields.thinking) };
    }
    case 'redacted_thinking':
      return { type: 'redacted-thinking', data: text(fields.data) };
    default:
      return undefined;
  }
}

/** Throws UpstreamError (server, malformed_response) when the body is not a Message. */
export function convertAnthropicResponse(body: unknown): CanonicalResponse {
  const message = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  // An error body behind a 2xx (some proxies do this) is the upstream failing, classified as such.
  if (message?.type === 'error') throw inBandAnthropicError(message);
  if (message === undefined || !Array.isArray(message.content)) {
    throw new UpstreamError({
      kind: 'server',
      providerCode: 'malformed_response',
      message: 'anthropic answered 2xx with a body that is not a Message (no content array)',
    });
  }
  const rawFinishReason = typeof message.stop_reason === 'string' ? message.stop_reason : undefined;
  const response: CanonicalResponse = {
    content: message.content.map(convertOutputBlock).filter((block) => block !== undefined),
    finishReason: mapAnthropicStopReason(rawFinishReason),
    stopSequence: typeof message.stop_sequence === 'string' ? message.stop_sequence : null,
    usage: convertAnthropicUsage(message.usage as AnthropicUsage | undefined),
  };
  if (typeof message.id === 'string') response.id = message.id;
  if (typeof message.model === 'string') response.upstreamModel = message.model;
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  return response;
}
