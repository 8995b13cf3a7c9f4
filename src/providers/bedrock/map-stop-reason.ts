// Converse `stopReason` → canonical FinishReason (docs/protocols/ §3.2, §6.2).
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { ConverseStopReason } from './bedrock-api.js';

const finishReasons: Record<ConverseStopReason, FinishReason> = {
  end_turn: 'end-turn',
  tool_use: 'tool-use',
  max_tokens: 'max-tokens',
  stop_sequence: 'stop-sequence',
  guardrail_intervened: 'content-filter',
  content_filtered: 'content-filter',
  model_context_window_exceeded: 'context-window-exceeded',
  // The model produced something Bedrock could not parse: the answer is usable as far as it goes.
  malformed_model_output: 'other',
  malformed_tool_use: 'other',
};

/** Unknown or missing reasons become 'other'; callers keep the raw string beside it. */
export function mapConverseStopReason(stopReason: string | null | undefined): FinishReason {
  if (typeof stopReason !== 'string') return 'other';
  return Object.hasOwn(finishReasons, stopReason) ? finishReasons[stopReason as ConverseStopReason] : 'other';
}
