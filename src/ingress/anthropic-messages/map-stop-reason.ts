// Canonical FinishReason → Anthropic `stop_reason` (docs/protocols/ §1.3, §6.2;
// https://docs.anthropic.com/en/api/messages#response-stop-reason).
import type { FinishReason } from '../../canonical/finish-reason.js';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export function mapStopReason(reason: FinishReason): AnthropicStopReason {
  switch (reason) {
    case 'end-turn':
      return 'end_turn';
    case 'stop-sequence':
      return 'stop_sequence';
    case 'max-tokens':
      return 'max_tokens';
    case 'tool-use':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'pause-turn':
      return 'pause_turn';
    case 'context-window-exceeded':
      return 'model_context_window_exceeded';
    case 'other':
      return 'end_turn';
  }
}
