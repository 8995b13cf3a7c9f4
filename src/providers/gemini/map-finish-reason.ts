// Gemini `finishReason` / `promptFeedback.blockReason` → canonical FinishReason (docs/protocols/translation.md §6.2).
// Reference: https://ai.google.dev/api/generate-content#FinishReason
// Function calls finish with STOP, so tool use is inferred from the functionCall parts.
import type { FinishReason } from '../../canonical/finish-reason.js';

const contentFilterReasons = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'LANGUAGE',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'NO_IMAGE',
]);

/**
 * Unknown and missing reasons, OTHER, FINISH_REASON_UNSPECIFIED and the broken-tool-call reasons
 * (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS) become 'other'; callers keep
 * the raw string beside it.
 */
export function mapGeminiFinishReason(finishReason: string | undefined, sawFunctionCall: boolean): FinishReason {
  if (finishReason === 'STOP') return sawFunctionCall ? 'tool-use' : 'end-turn';
  if (finishReason === 'MAX_TOKENS') return 'max-tokens';
  if (finishReason !== undefined && contentFilterReasons.has(finishReason)) return 'content-filter';
  return 'other';
}

/** A prompt Gemini refused to answer (no candidates, `promptFeedback.blockReason` set), whatever the reason. */
export function mapGeminiBlockReason(_blockReason: string): FinishReason {
  return 'content-filter';
}
