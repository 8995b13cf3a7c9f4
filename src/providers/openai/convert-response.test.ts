import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { seededRandom } from '../../util/random.js';
import { azureAdapter, createOpenAIAdapter, openaiAdapter, openaiCompatibleAdapter } from './adapter.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { openaiFixtureJson } from '../../../test/fixtures/openai/load-fixtures.js';

function completionWith(message: Record<string, unknown>, finishReason: string | null) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('response in', () => {
  it('reads a text answer with cached-token usage in the canonical split', () => {
    expect(openaiAdapter.parseResponse(openaiFixtureJson('completion.json'), simpleTextRequest())).toEqual({
      id: 'chatcmpl-C3kXc9Sy4Ui5Op6As7Df8Gh9Jk0Lz',
      upstreamModel: 'gpt-4o-2024-08-06',
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      finishReason: 'end-turn',
      rawFinishReason: 'stop',
      usage: { inputTokens: 230, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 },
    });
  });

  it('reads tool calls, with invalid JSON arguments becoming an empty input, and reasoning tokens', () => {
    const response = openaiAdapter.parseResponse(
      openaiFixtureJson('completion-tool-calls.json'),
      toolRoundTripRequest(),
    );
    expect(response.finishReason).toBe('tool-use');
    expect(response.content).toEqual([
      { type: 'tool-call', id: 'call_8Hk2LmQ9rT4vWx1zYb3nPq6s', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-call', id: 'call_Vn5cRt7yUi2oPa9sDf4gHj1k', name: 'get_weather', input: {} },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 118,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 302,
      reasoningTokens: 256,
    });
  });

  it('reads length as max-tokens', () => {
    const response = openaiAdapter.parseResponse(openaiFixtureJson('completion-length.json'), simpleTextRequest());
    expect(response.finishReason).toBe('max-tokens');
    expect(response.content).toEqual([{ type: 'text', text: 'Once upon a time, in a' }]);
  });

  it('reads an Azure content_filter finish with no content', () => {
    const response = azureAdapter.parseResponse(
      openaiFixtureJson('completion-azure-content-filter.json'),
      simpleTextRequest(),
    );
    expect(response.finishReason).toBe('content-filter');
    expect(response.rawFinishReason).toBe('content_filter');
    expect(response.content).toEqual([]);
  });

  it('reads a compatible server that says stop with tool calls, and its reasoning_content', () => {
    const response = openaiCompatibleAdapter.parseResponse(
      openaiFixtureJson('completion-compatible-stop-with-tools.json'),
      toolRoundTripRequest(),
    );
    expect(response.finishReason).toBe('tool-use');
    expect(response.rawFinishReason).toBe('stop');
    expect(response.content).toEqual([
      { type: 'thinking', text: 'The user asks about the weather in Paris, so I call get_weather.' },
      { type: 'tool-call', id: 'chatcmpl-tool-4f0c2a9e1b8d4d7c', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(response.usage).toEqual({ inputTokens: 163, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 58 });
  });

  it('reads the deprecated function_call with a synthetic id from the injected random', () => {
    const adapter = createOpenAIAdapter('openai-compatible', { random: seededRandom(1) });
    const response = adapter.parseResponse(
      completionWith(
        { content: null, function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        'function_call',
      ),
      toolRoundTripRequest(),
    );
    expect(response.finishReason).toBe('tool-use');
    const block = response.content[0];
    expect(block).toMatchObject({ type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' } });
    expect(block?.type === 'tool-call' ? block.id : '').toMatch(/^call_[A-Za-z0-9]{24}$/);
  });

  it('maps sanitised tool names back to the names the client declared', () => {
    const request = toolRoundTripRequest({ tools: [{ name: 'mcp.github.search', inputSchema: { type: 'object' } }] });
    const response = openaiAdapter.parseResponse(
      completionWith(
        {
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'mcp_github_search', arguments: '{}' } }],
        },
        'tool_calls',
      ),
      request,
    );
    expect(response.content).toEqual([{ type: 'tool-call', id: 'c1', name: 'mcp.github.search', input: {} }]);
  });

  it('subtracts cache writes from input so that the three input counts add up to prompt_tokens', () => {
    const body = {
      ...completionWith({ content: 'ok' }, 'stop'),
      usage: {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 },
      },
    };
    expect(openaiAdapter.parseResponse(body, simpleTextRequest()).usage).toEqual({
      inputTokens: 20,
      cacheReadTokens: 30,
      cacheWriteTokens: 50,
      outputTokens: 1,
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['no choices', { id: 'x', choices: [] }],
    ['choices missing', { id: 'x' }],
    ['a choice without a message', { choices: [{ index: 0, finish_reason: 'stop' }] }],
  ])('throws a malformed_response server error for %s', (_name, body) => {
    const error = thrownBy(() => openaiAdapter.parseResponse(body, simpleTextRequest()));
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server', providerCode: 'malformed_response' });
  });

  it('classifies an error carried in a 200 body', () => {
    const error = thrownBy(() =>
      openaiCompatibleAdapter.parseResponse(
        { error: { message: 'Rate limited', code: 'rate_limit_exceeded' } },
        simpleTextRequest(),
      ),
    );
    expect(error).toMatchObject({ kind: 'rate-limited', providerCode: 'rate_limit_exceeded' });
  });
});

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', false, 'end-turn'],
    ['stop', true, 'tool-use'],
    ['length', false, 'max-tokens'],
    ['tool_calls', true, 'tool-use'],
    ['function_call', false, 'tool-use'],
    ['content_filter', false, 'content-filter'],
    [null, false, 'end-turn'],
    ['abort', false, 'other'],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasToolCalls, expected) => {
    expect(mapOpenAIFinishReason(raw, hasToolCalls)).toBe(expected);
  });
});
