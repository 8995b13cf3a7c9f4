// Every documented Anthropic stop_reason, and what happens to ones we have never seen.
import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from './map-stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'end-turn'],
    ['stop_sequence', 'stop-sequence'],
    ['max_tokens', 'max-tokens'],
    ['tool_use', 'tool-use'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'pause-turn'],
    ['model_context_window_exceeded', 'context-window-exceeded'],
    ['something_new', 'other'],
    ['toString', 'other'],
  ] as const)('%s → %s', (raw, expected) => {
    expect(mapAnthropicStopReason(raw)).toBe(expected);
  });

  it('maps a missing reason to other', () => {
    expect(mapAnthropicStopReason(null)).toBe('other');
    expect(mapAnthropicStopReason(undefined)).toBe('other');
  });
});
