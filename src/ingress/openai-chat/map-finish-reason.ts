// Canonical finish reason → OpenAI `finish_reason` (docs/protocols/translation.md §6.2; values from
// https://platform.openai.com/docs/api-reference/chat/object). OpenAI has no pause or
// context-window reasons: a paused turn ended normally, a full context window cut the output short.
import type { FinishReason } from '../../canonical/finish-reason.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function mapFinishReasonToOpenAI(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'end-turn':
    case 'stop-sequence':
    case 'pause-turn':
    case 'other':
      return 'stop';
    case 'max-tokens':
    case 'context-window-exceeded':
      return 'length';
    case 'tool-use':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
  }
}
