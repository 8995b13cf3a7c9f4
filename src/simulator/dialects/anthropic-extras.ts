// What Anthropic's own API adds beside the model's reply, which Bedrock and Vertex renderings leave
// out: `usage.cache_creation` (the 5-minute / 1-hour split) and `usage.service_tier`, and, when the
// request asks for context management, `context_management.applied_edits` (on the message and on
// `message_delta`). A `clear_tool_uses_…` edit reports clearing every tool result but the last two
// once there are more than two, which is what the real edit does with its default `keep`. A
// `compact_20260112` edit that triggers puts a compaction block first (anthropic-compaction.ts).
import type { SimulatedReply } from '../reply-generator.js';
import { simulatedCompaction } from './anthropic-compaction.js';
import type { AnthropicReplyExtras } from './anthropic-render.js';
import { isRecord } from '../../util/wire-values.js';

const keptToolUses = 2;

function toolResultCount(messages: unknown[]): number {
  let count = 0;
  for (const message of messages) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) if (isRecord(block) && block.type === 'tool_result') count += 1;
  }
  return count;
}

function appliedEdits(body: Record<string, unknown>, messages: unknown[]): unknown[] | undefined {
  const management = body.context_management;
  if (!isRecord(management) || !Array.isArray(management.edits)) return undefined;
  const cleared = Math.max(0, toolResultCount(messages) - keptToolUses);
  return management.edits
    .filter(
      (edit) =>
        isRecord(edit) && typeof edit.type === 'string' && edit.type.startsWith('clear_tool_uses_') && cleared > 0,
    )
    .map((edit) => ({
      type: (edit as { type: string }).type,
      cleared_tool_uses: cleared,
      cleared_input_tokens: cleared * 50,
    }));
}

export function firstPartyExtras(
  body: Record<string, unknown>,
  messages: unknown[],
  betas: readonly string[],
  reply: SimulatedReply,
): AnthropicReplyExtras {
  const edits = appliedEdits(body, messages);
  const compaction = simulatedCompaction(body, messages, betas, reply.inputTokens);
  const cacheCreation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
  const iterations =
    compaction === undefined
      ? {}
      : {
          iterations: [
            compaction.iteration,
            {
              type: 'message',
              input_tokens: reply.inputTokens,
              output_tokens: reply.outputTokens,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              cache_creation: cacheCreation,
            },
          ],
        };
  return {
    usage: { cache_creation: cacheCreation, service_tier: 'standard', ...iterations },
    ...(edits === undefined ? {} : { messageFields: { context_management: { applied_edits: edits } } }),
    ...(compaction === undefined ? {} : { leadingBlocks: [compaction.block] }),
  };
}
