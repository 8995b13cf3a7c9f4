// Anthropic's server-side compaction (beta `compact-2026-01-12`), simulated: when a request's
// `context_management.edits` holds a `compact_20260112` edit and its input reaches the edit's trigger
// (`{type: 'input_tokens', value}`, 150,000 by default, as on the real API), the answer starts with a
// `compaction` block — a summary of the earlier turns and opaque `encrypted_content` the client must
// send back verbatim — before the model's reply, and `usage.iterations` reports the compaction's own
// tokens beside the message's. In a stream the block arrives as content_block_start with empty
// values, one `compaction_delta` carrying the final content and encrypted_content, and
// content_block_stop, as the official SDK's accumulator expects.
import { hashText } from '../reply-generator.js';
import { isRecord } from '../../util/wire-values.js';
import type { LeadingBlock } from './anthropic-render.js';

export const compactionBeta = 'compact-2026-01-12';
const defaultTriggerTokens = 150_000;

function compactEdit(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const management = body.context_management;
  if (!isRecord(management) || !Array.isArray(management.edits)) return undefined;
  return management.edits.find(
    (edit): edit is Record<string, unknown> => isRecord(edit) && edit.type === 'compact_20260112',
  );
}

function triggerTokens(edit: Record<string, unknown>): number {
  const trigger = edit.trigger;
  return isRecord(trigger) && trigger.type === 'input_tokens' && typeof trigger.value === 'number'
    ? trigger.value
    : defaultTriggerTokens;
}

function firstUserWords(messages: unknown[]): string {
  for (const message of messages) {
    if (!isRecord(message) || message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content))
      for (const block of message.content) if (isRecord(block) && typeof block.text === 'string') return block.text;
  }
  return '';
}

export interface SimulatedCompaction {
  block: LeadingBlock;
  /** The compaction's own usage entry (`usage.iterations`), not counted in the top-level usage. */
  iteration: Record<string, unknown>;
}

/** The compaction this request triggers, or undefined (no beta, no compact edit, or below its trigger). */
export function simulatedCompaction(
  body: Record<string, unknown>,
  messages: unknown[],
  betas: readonly string[],
  inputTokens: number,
): SimulatedCompaction | undefined {
  if (!betas.includes(compactionBeta)) return undefined;
  const edit = compactEdit(body);
  if (edit === undefined || inputTokens < triggerTokens(edit)) return undefined;
  const topic = firstUserWords(messages).trim().slice(0, 80) || 'the task';
  const content = `Summary of the ${messages.length - 1} earlier messages: the user asked about "${topic}" and the assistant answered.`;
  const encrypted = Buffer.from(`sim-compaction:${hashText(content).toString(16)}`).toString('base64');
  return {
    block: {
      block: { type: 'compaction', content, encrypted_content: encrypted },
      streamStart: { type: 'compaction', content: null, encrypted_content: null },
      streamDeltas: [{ type: 'compaction_delta', content, encrypted_content: encrypted }],
    },
    iteration: {
      type: 'compaction',
      input_tokens: inputTokens,
      output_tokens: Math.ceil(content.length / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    },
  };
}
