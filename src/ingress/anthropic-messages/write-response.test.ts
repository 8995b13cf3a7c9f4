// The non-streaming Message JSON, for every stop reason and block kind.
import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { mapStopReason } from './map-stop-reason.js';
import { toAnthropicResponse } from './write-response.js';

const usage = { inputTokens: 12, outputTokens: 34, cacheReadTokens: 5, cacheWriteTokens: 7 };

function response(overrides: Partial<CanonicalResponse> = {}): CanonicalResponse {
  return { content: [{ type: 'text', text: 'Hello.' }], finishReason: 'end-turn', usage, ...overrides };
}

describe('mapStopReason', () => {
  const table: Array<[FinishReason, string]> = [
    ['end-turn', 'end_turn'],
    ['stop-sequence', 'stop_sequence'],
    ['max-tokens', 'max_tokens'],
    ['tool-use', 'tool_use'],
    ['content-filter', 'refusal'],
    ['pause-turn', 'pause_turn'],
    ['context-window-exceeded', 'model_context_window_exceeded'],
    ['other', 'end_turn'],
  ];
  it.each(table)('%s → %s', (reason, expected) => {
    expect(mapStopReason(reason)).toBe(expected);
    expect(toAnthropicResponse(response({ finishReason: reason }), 'm').stop_reason).toBe(expected);
  });
});

describe('toAnthropicResponse', () => {
  it('writes the full Message with the client model name and Anthropic usage', () => {
    const message = toAnthropicResponse(
      response({ id: 'msg_01XFDUDYJgAACzvnptvVoYEL', upstreamModel: 'gpt-5' }),
      'claude-sonnet-4-5',
    );
    expect(message).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 34, cache_creation_input_tokens: 7, cache_read_input_tokens: 5 },
    });
  });

  it('generates a msg_ id when the upstream id is of another shape or missing', () => {
    const fromOpenAi = toAnthropicResponse(response({ id: 'chatcmpl-abc' }), 'm').id as string;
    const missing = toAnthropicResponse(response(), 'm').id as string;
    expect(fromOpenAi).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(missing).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(fromOpenAi).not.toBe(missing);
  });

  it('reports the matched stop sequence only with stop_sequence', () => {
    expect(
      toAnthropicResponse(response({ finishReason: 'stop-sequence', stopSequence: 'END' }), 'm').stop_sequence,
    ).toBe('END');
    expect(toAnthropicResponse(response({ finishReason: 'stop-sequence' }), 'm').stop_sequence).toBeNull();
    expect(
      toAnthropicResponse(response({ finishReason: 'end-turn', stopSequence: 'END' }), 'm').stop_sequence,
    ).toBeNull();
  });

  it('writes thinking, redacted thinking and tool_use blocks', () => {
    const message = toAnthropicResponse(
      response({
        finishReason: 'tool-use',
        content: [
          { type: 'thinking', text: 'Let me think.', signature: 'sig' },
          { type: 'thinking', text: 'Reasoning from another vendor.' },
          { type: 'redacted-thinking', data: 'opaque' },
          { type: 'text', text: 'Calling the tool.' },
          { type: 'tool-call', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool-call', id: 'call_2', name: 'get_weather', input: '{"city":"Rome"}' },
          { type: 'tool-call', id: 'call_3', name: 'noop', input: 'not json' },
        ],
      }),
      'm',
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
      { type: 'thinking', thinking: 'Reasoning from another vendor.', signature: '' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Calling the tool.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
      { type: 'tool_use', id: 'call_3', name: 'noop', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });
});
