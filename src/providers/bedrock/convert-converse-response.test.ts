// Converse answers → canonical responses: text, reasoning with its signature, redacted reasoning, tool
// calls, guardrail stops, usage with cache counts; a body that is not a Converse answer is refused.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import { bedrockFixtureJson } from '../../../test/fixtures/bedrock/load-fixtures.js';
import { convertConverseResponse } from './convert-converse-response.js';
import { mapConverseStopReason } from './map-stop-reason.js';

describe('convertConverseResponse', () => {
  it('reads text, stop reason and usage with cache counts', () => {
    expect(convertConverseResponse(bedrockFixtureJson('converse-response-text.json'), simpleTextRequest())).toEqual({
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      finishReason: 'end-turn',
      rawFinishReason: 'end_turn',
      stopSequence: null,
      usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 1024, cacheWriteTokens: 100 },
    });
  });

  it('reads reasoning (signed and redacted) and tool calls in order', () => {
    const response = convertConverseResponse(bedrockFixtureJson('converse-response-tool.json'), simpleTextRequest());
    expect(response.content).toEqual([
      { type: 'thinking', text: 'I should call the tool.', signature: 'EqoBCkgIARABGAIiQL2UoU0b1OHYi' },
      { type: 'redacted-thinking', data: 'RXFvQkNrZ0lBUkFCR0FJaVFM' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool-call', id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(response.finishReason).toBe('tool-use');
  });

  it('maps a sanitised tool name back and keeps the text of citation blocks', () => {
    const request = simpleTextRequest({ tools: [{ name: 'files.read', inputSchema: {} }] });
    const response = convertConverseResponse(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              {
                citationsContent: { content: [{ text: 'Paris is ' }, { text: 'sunny.' }], citations: [{ title: 'w' }] },
              },
              { toolUse: { toolUseId: 't1', name: 'files_read', input: { path: 'a' } } },
            ],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 2 },
      },
      request,
    );
    expect(response.content).toEqual([
      { type: 'text', text: 'Paris is sunny.' },
      { type: 'tool-call', id: 't1', name: 'files.read', input: { path: 'a' } },
    ]);
  });

  it('treats a guardrail intervention as a content filter', () => {
    const response = convertConverseResponse(
      bedrockFixtureJson('converse-response-guardrail.json'),
      simpleTextRequest(),
    );
    expect(response.finishReason).toBe('content-filter');
    expect(response.rawFinishReason).toBe('guardrail_intervened');
  });

  it('refuses a body that is not a Converse answer', () => {
    expect(() => convertConverseResponse({ output: {} }, simpleTextRequest())).toThrow(UpstreamError);
  });
});

describe('mapConverseStopReason', () => {
  it.each([
    ['end_turn', 'end-turn'],
    ['tool_use', 'tool-use'],
    ['max_tokens', 'max-tokens'],
    ['stop_sequence', 'stop-sequence'],
    ['guardrail_intervened', 'content-filter'],
    ['content_filtered', 'content-filter'],
    ['model_context_window_exceeded', 'context-window-exceeded'],
    ['malformed_model_output', 'other'],
    ['malformed_tool_use', 'other'],
    ['something_new', 'other'],
    [undefined, 'other'],
  ] as const)('%s → %s', (raw, expected) => {
    expect(mapConverseStopReason(raw)).toBe(expected);
  });
});
