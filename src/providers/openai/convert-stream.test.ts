import { captureSkippedEvents } from '../../../test/support/skipped-events.js';
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { ProviderAdapter } from '../adapter.js';
import { UpstreamError } from '../../canonical/errors.js';
import { seededRandom } from '../../util/random.js';
import { azureAdapter, createOpenAIAdapter, openaiAdapter, openaiCompatibleAdapter } from './adapter.js';
import { toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { checkEventOrder } from '../../../test/conformance/adapter-conformance.js';
import { openaiFixtureBytes } from '../../../test/fixtures/openai/load-fixtures.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function collect(adapter: ProviderAdapter, source: Uint8Array | string): Promise<CanonicalStreamEvent[]> {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const events: CanonicalStreamEvent[] = [];
  for await (const event of adapter.parseStream(once(bytes), toolRoundTripRequest())) events.push(event);
  return events;
}

/** One `data:` line per chunk object, as a compatible server would send them. */
function sse(...chunks: Array<Record<string, unknown> | string>): string {
  return chunks.map((chunk) => `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`).join('');
}

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { id: 'chatcmpl-x', model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

describe('stream in', () => {
  it('streams text and waits for the include_usage chunk before the one finish', async () => {
    expect(await collect(openaiAdapter, openaiFixtureBytes('text.sse.txt'))).toEqual([
      { type: 'message-start', id: 'chatcmpl-C3kQ9vTn1aR7xw2ZbLJ0pYhQm4sFd', upstreamModel: 'gpt-4o-2024-08-06' },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: '!' },
      { type: 'text-delta', index: 0, text: ' How can I help' },
      { type: 'text-delta', index: 0, text: '?' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'stop',
        usage: { inputTokens: 230, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 },
      },
    ]);
  });

  it('streams two parallel tool calls with fragmented arguments as two blocks', async () => {
    const events = await collect(openaiAdapter, openaiFixtureBytes('tool-calls.sse.txt'));
    expect(events.filter((event) => event.type !== 'tool-input-delta')).toEqual([
      { type: 'message-start', id: 'chatcmpl-C3kSx2LpQw9Rr4aVbN6mEo8tHdJcU', upstreamModel: 'gpt-4.1-2025-04-14' },
      {
        type: 'block-start',
        index: 0,
        block: { type: 'tool-call', id: 'call_8Hk2LmQ9rT4vWx1zYb3nPq6s', name: 'get_weather' },
      },
      { type: 'block-end', index: 0 },
      {
        type: 'block-start',
        index: 1,
        block: { type: 'tool-call', id: 'call_Vn5cRt7yUi2oPa9sDf4gHj1k', name: 'get_weather' },
      },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'tool-use',
        rawReason: 'tool_calls',
        usage: { inputTokens: 118, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 46, reasoningTokens: 0 },
      },
    ]);
    expect(checkEventOrder(events).tools).toEqual([
      { name: 'get_weather', input: { city: 'Paris' } },
      { name: 'get_weather', input: { city: 'Tokyo' } },
    ]);
  });

  it('skips Azure’s empty-choices prompt-filter chunk: message-start carries the real id and model', async () => {
    const events = await collect(azureAdapter, openaiFixtureBytes('azure-prompt-filter.sse.txt'));
    expect(events[0]).toEqual({
      type: 'message-start',
      id: 'chatcmpl-C3kU3Yz8Ab1Cd2Ef3Gh4Ij5Kl6Mn7',
      upstreamModel: 'gpt-4o-2024-11-20',
    });
    const { text, finish } = checkEventOrder(events);
    expect(text).toBe('Bonjour de Paris.');
    expect(finish?.usage).toEqual({
      inputTokens: 21,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
    });
  });

  it('reports tool-use when a compatible server says stop after a whole tool call', async () => {
    const events = await collect(openaiCompatibleAdapter, openaiFixtureBytes('compatible-stop-with-tools.sse.txt'));
    expect(events).toEqual([
      { type: 'message-start', id: 'chatcmpl-512', upstreamModel: 'qwen3:8b' },
      { type: 'block-start', index: 0, block: { type: 'tool-call', id: 'call_k3m9x2qa', name: 'get_weather' } },
      { type: 'tool-input-delta', index: 0, partialJson: '{"city":"Paris"}' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'tool-use',
        rawReason: 'stop',
        usage: { inputTokens: 163, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 21 },
      },
    ]);
  });

  it('turns reasoning_content into a thinking block without a signature, closed when text starts', async () => {
    const events = await collect(openaiCompatibleAdapter, openaiFixtureBytes('reasoning.sse.txt'));
    expect(events.slice(1, -1)).toEqual([
      { type: 'block-start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking-delta', index: 0, text: 'The user wants' },
      { type: 'thinking-delta', index: 0, text: ' a greeting.' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'text' } },
      { type: 'text-delta', index: 1, text: 'Hello' },
      { type: 'text-delta', index: 1, text: ' there.' },
      { type: 'block-end', index: 1 },
    ]);
    expect(events.some((event) => event.type === 'signature-delta')).toBe(false);
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'end-turn',
      usage: { inputTokens: 14, outputTokens: 44 },
    });
  });

  it('ends with an error event on an error chunk mid-stream, leaving the text block to the caller', async () => {
    const events = await collect(openaiAdapter, openaiFixtureBytes('error-mid-stream.sse.txt'));
    expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error).toMatchObject({ kind: 'server', providerCode: 'server_error' });
  });

  it('classifies an `event: error` frame by its code', async () => {
    const events = await collect(openaiAdapter, openaiFixtureBytes('event-error.sse.txt'));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error).toMatchObject({
      kind: 'rate-limited',
      providerCode: 'rate_limit_exceeded',
    });
  });

  it.each([
    [{ message: 'overloaded', type: 'overloaded_error' }, 'overloaded'],
    [{ message: 'Slow down', code: 'slow_down' }, 'overloaded'],
    [{ message: 'quota', code: 'insufficient_quota' }, 'auth'],
    [{ message: 'boom', code: 500 }, 'server'],
    [{ message: 'mystery' }, 'server'],
  ])('classifies in-band error %j as %s', async (error, kind) => {
    const events = await collect(openaiCompatibleAdapter, sse(chunk({ role: 'assistant', content: 'a' }), { error }));
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.kind).toBe(kind);
  });

  it('an error as the very first chunk comes without message-start', async () => {
    const events = await collect(
      openaiCompatibleAdapter,
      sse({ error: { message: 'busy', code: 'rate_limit_exceeded' } }),
    );
    expect(events.map((event) => event.type)).toEqual(['error']);
  });

  it('synthesizes ids and follows fragments that come without index', async () => {
    const adapter = createOpenAIAdapter('openai-compatible', { random: seededRandom(7) });
    const events = await collect(
      adapter,
      sse(
        chunk({ role: 'assistant', tool_calls: [{ function: { name: 'get_weather', arguments: '{"city":' } }] }),
        chunk({ tool_calls: [{ function: { arguments: '"Rome"}' } }] }),
        chunk({ tool_calls: [{ id: 'srv_2', function: { name: 'get_weather', arguments: '{"city":"Nice"}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
    );
    const starts = events.filter((event) => event.type === 'block-start');
    expect(starts).toHaveLength(2);
    expect(starts[0]?.type === 'block-start' && starts[0].block).toMatchObject({
      type: 'tool-call',
      name: 'get_weather',
    });
    expect(starts[0]?.type === 'block-start' && starts[0].block.type === 'tool-call' && starts[0].block.id).toMatch(
      /^call_[A-Za-z0-9]{24}$/,
    );
    expect(starts[1]?.type === 'block-start' && starts[1].block).toEqual({
      type: 'tool-call',
      id: 'srv_2',
      name: 'get_weather',
    });
    expect(checkEventOrder(events).tools).toEqual([
      { name: 'get_weather', input: { city: 'Rome' } },
      { name: 'get_weather', input: { city: 'Nice' } },
    ]);
  });

  it('treats a new id with a name on a reused index 0 as a new call', async () => {
    const events = await collect(
      openaiCompatibleAdapter,
      sse(
        chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'get_weather', arguments: '{"city":"A"}' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'get_weather', arguments: '{"city":"B"}' } }] }),
        chunk({}, 'tool_calls'),
      ),
    );
    expect(checkEventOrder(events).tools).toEqual([
      { name: 'get_weather', input: { city: 'A' } },
      { name: 'get_weather', input: { city: 'B' } },
    ]);
  });

  it('closes the text block when a tool call starts', async () => {
    const events = await collect(
      openaiAdapter,
      sse(
        chunk({ role: 'assistant', content: 'Checking.' }),
        chunk({
          tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
    );
    expect(events.map((event) => `${event.type}${'index' in event ? event.index : ''}`)).toEqual([
      'message-start',
      'block-start0',
      'text-delta0',
      'block-end0',
      'block-start1',
      'tool-input-delta1',
      'block-end1',
      'finish',
    ]);
  });

  it('fails rather than silently drop arguments of a tool call that was already closed', async () => {
    const body = sse(
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'get_weather', arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'get_weather', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"X"}' } }] }),
    );
    await expect(collect(openaiAdapter, body)).rejects.toSatisfy(
      (error: unknown) => UpstreamError.isInstance(error) && error.providerCode === 'malformed_stream',
    );
  });

  it('finishes when the body ends after a finish_reason without [DONE], with empty usage when none came', async () => {
    const events = await collect(openaiCompatibleAdapter, sse(chunk({ content: 'hi' }), chunk({}, 'length')));
    expect(events.at(-1)).toEqual({
      type: 'finish',
      reason: 'max-tokens',
      rawReason: 'length',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('just ends, without finish or block-end, when the body is cut before any finish_reason', async () => {
    const events = await collect(openaiAdapter, sse(chunk({ role: 'assistant', content: 'The answer is' })));
    expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta']);
  });

  it('ignores everything after [DONE]', async () => {
    const events = await collect(openaiAdapter, sse(chunk({ content: 'a' }, 'stop'), '[DONE]', '{not json'));
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('skips data that is not JSON and goes on with the next chunk', async () => {
    const skipped = captureSkippedEvents();
    try {
      const garbled = await collect(
        openaiAdapter,
        sse(chunk({ content: 'a' }), '{"id":', chunk({ content: 'b' }, 'stop'), '[DONE]'),
      );
      const clean = await collect(
        openaiAdapter,
        sse(chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop'), '[DONE]'),
      );
      expect(garbled).toEqual(clean);
    } finally {
      skipped.stop();
    }
    expect(skipped.events).toEqual([{ provider: 'openai', reason: 'chunk is not a JSON object' }]);
  });
});
