import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { toOpenAIChatResponse } from './write-response.js';

const usage = { inputTokens: 100, outputTokens: 40, cacheReadTokens: 900, cacheWriteTokens: 0, reasoningTokens: 15 };

function response(overrides: Partial<CanonicalResponse> = {}): CanonicalResponse {
  return {
    id: 'msg_01abc',
    upstreamModel: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'Hello!' }],
    finishReason: 'end-turn',
    usage,
    ...overrides,
  };
}

describe('toOpenAIChatResponse', () => {
  it('writes a text answer in the chat.completion shape with the client model', () => {
    const body = toOpenAIChatResponse(response(), 'my-route', 1_700_000_000);
    expect(body).toStrictEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{30}$/),
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'my-route',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 40,
        total_tokens: 1040,
        prompt_tokens_details: { cached_tokens: 900 },
        completion_tokens_details: { reasoning_tokens: 15 },
      },
    });
  });

  it('keeps an upstream chatcmpl- id and replaces any other', () => {
    expect(toOpenAIChatResponse(response({ id: 'chatcmpl-Abc123' }), 'm', 1).id).toBe('chatcmpl-Abc123');
    expect(toOpenAIChatResponse(response({ id: 'msg_01abc' }), 'm', 1).id).not.toContain('msg_');
    expect(toOpenAIChatResponse(response({ id: undefined }), 'm', 1).id).toMatch(/^chatcmpl-/);
  });

  it.each<[FinishReason, string]>([
    ['end-turn', 'stop'],
    ['stop-sequence', 'stop'],
    ['pause-turn', 'stop'],
    ['other', 'stop'],
    ['max-tokens', 'length'],
    ['context-window-exceeded', 'length'],
    ['tool-use', 'tool_calls'],
    ['content-filter', 'content_filter'],
  ])('finish reason %s → %s', (reason, expected) => {
    const body = toOpenAIChatResponse(response({ finishReason: reason }), 'm', 1) as {
      choices: Array<{ finish_reason: string }>;
    };
    expect(body.choices[0]?.finish_reason).toBe(expected);
  });

  it('writes tool calls with JSON-string arguments and null content when there is no text', () => {
    const body = toOpenAIChatResponse(
      response({
        content: [
          { type: 'tool-call', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
          { type: 'tool-call', id: 'toolu_2', name: 'get_time', input: {} },
        ],
        finishReason: 'tool-use',
      }),
      'm',
      1,
    ) as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    expect(body.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        {
          id: 'toolu_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' },
        },
        { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    });
  });

  it('keeps text beside tool calls, joins text blocks, and exposes thinking as reasoning_content', () => {
    const body = toOpenAIChatResponse(
      response({
        content: [
          { type: 'thinking', text: 'The user wants weather.', signature: 'sig' },
          { type: 'redacted-thinking', data: 'opaque' },
          { type: 'text', text: 'Checking ' },
          { type: 'text', text: 'now.' },
          { type: 'tool-call', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        finishReason: 'tool-use',
      }),
      'm',
      1,
    ) as { choices: Array<{ message: Record<string, unknown> }> };
    const message = body.choices[0]?.message;
    expect(message?.content).toBe('Checking now.');
    expect(message?.reasoning_content).toBe('The user wants weather.');
    expect(message?.tool_calls).toHaveLength(1);
    expect(JSON.stringify(body)).not.toContain('opaque');
    expect(JSON.stringify(body)).not.toContain('"sig"');
  });

  it('answers an empty response with empty content, and reports cache writes in prompt_tokens', () => {
    const body = toOpenAIChatResponse(
      response({ content: [], usage: { inputTokens: 5, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 20 } }),
      'm',
      1,
    ) as { choices: Array<{ message: Record<string, unknown> }>; usage: Record<string, unknown> };
    expect(body.choices[0]?.message.content).toBe('');
    expect(body.usage).toStrictEqual({
      prompt_tokens: 25,
      completion_tokens: 0,
      total_tokens: 25,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});
