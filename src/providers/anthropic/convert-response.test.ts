// Anthropic Message → CanonicalResponse, from the message fixtures, for each stop reason.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { convertAnthropicResponse } from './convert-response.js';

const message = anthropicFixtureJson('message.json') as Record<string, unknown>;

describe('convertAnthropicResponse', () => {
  it('reads a text message with its usage split as Anthropic reports it', () => {
    expect(convertAnthropicResponse(message)).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      upstreamModel: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      finishReason: 'end-turn',
      rawFinishReason: 'end_turn',
      stopSequence: null,
      usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 1024, cacheWriteTokens: 100 },
    });
  });

  it.each([
    ['end_turn', 'end-turn', null],
    ['stop_sequence', 'stop-sequence', 'END'],
    ['max_tokens', 'max-tokens', null],
    ['tool_use', 'tool-use', null],
    ['refusal', 'content-filter', null],
    ['pause_turn', 'pause-turn', null],
    ['model_context_window_exceeded', 'context-window-exceeded', null],
    ['brand_new_reason', 'other', null],
  ] as const)('maps stop_reason %s to %s and keeps the raw reason', (raw, expected, stopSequence) => {
    const response = convertAnthropicResponse({ ...message, stop_reason: raw, stop_sequence: stopSequence });
    expect(response.finishReason).toBe(expected);
    expect(response.rawFinishReason).toBe(raw);
    expect(response.stopSequence).toBe(stopSequence);
  });

  it('keeps thinking with its signature, redacted thinking and tool calls, and drops server-tool blocks', () => {
    const response = convertAnthropicResponse(anthropicFixtureJson('message-mixed.json'));
    expect(response.content).toEqual([
      { type: 'thinking', text: 'I need the weather.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
      { type: 'redacted-thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(response.finishReason).toBe('tool-use');
    expect(response.usage).toEqual({
      inputTokens: 412,
      outputTokens: 88,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 40,
    });
  });

  it.each([
    ['no content array', { id: 'msg_1', type: 'message' }],
    ['content that is not an array', { ...message, content: 'hello' }],
    ['null', null],
    ['a string', 'Hello'],
  ])('throws a server UpstreamError for %s', (_label, body) => {
    let thrown: unknown;
    try {
      convertAnthropicResponse(body);
    } catch (error) {
      thrown = error;
    }
    expect(UpstreamError.isInstance(thrown)).toBe(true);
    expect((thrown as UpstreamError).kind).toBe('server');
    expect((thrown as UpstreamError).providerCode).toBe('malformed_response');
  });

  it('classifies an error body behind a 2xx by its error type', () => {
    expect(() => convertAnthropicResponse(anthropicFixtureJson('errors/overloaded-529.json'))).toThrow(
      expect.objectContaining({ kind: 'overloaded', providerCode: 'overloaded_error' }),
    );
  });
});
