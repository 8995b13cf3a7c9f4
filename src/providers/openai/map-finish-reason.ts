// Chat Completions finish_reason → canonical FinishReason (docs/protocols/ §2.2, §6.2).
// https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
import type { FinishReason } from '../../canonical/finish-reason.js';

/**
 * `hasToolCalls` matters because several compatible servers (Ollama, some vLLM parsers) answer
 * `stop` even when the message carries tool calls; a client must still see tool-use to run them.
 * OpenAI does not say which stop string matched, so `stop` is always end-turn, never stop-sequence.
 */
export function mapOpenAIFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'stop':
    case null:
    case undefined:
      return hasToolCalls ? 'tool-use' : 'end-turn';
    case 'length':
      return 'max-tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool-use';
    case 'content_filter':
      return 'content-filter';
    default:
      return hasToolCalls ? 'tool-use' : 'other';
  }
}
