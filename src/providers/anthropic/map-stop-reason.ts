// Anthropic `stop_reason` → canonical FinishReason (docs/protocols/ §1.3, §6.2).
// Reference: https://docs.anthropic.com/en/api/handling-stop-reasons
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { AnthropicStopReason } from './anthropic-api.js';

const finishReasons: Record<AnthropicStopReason, FinishReason> = {
  end_turn: 'end-turn',
  stop_sequence: 'stop-sequence',
  max_tokens: 'max-tokens',
  tool_use: 'tool-use',
  refusal: 'content-filter',
  pause_turn: 'pause-turn',
  model_context_window_exceeded: 'context-window-exceeded',
};

/** Unknown or missing reasons become 'other'; callers keep the raw string beside it. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  if (typeof stopReason !== 'string') return 'other';
  return Object.hasOwn(finishReasons, stopReason) ? finishReasons[stopReason as AnthropicStopReason] : 'other';
}
