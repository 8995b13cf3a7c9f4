import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { StreamSink } from '../client-stream-writer.js';
import {
  errorMidStream,
  parallelToolCallStream,
  textStream,
  thinkingStream,
} from '../../../test/fixtures/openai-ingress/canonical-streams.js';
import { createOpenAIChatStreamWriter } from './write-stream.js';
import type { AttemptSummary } from '../../canonical/attempt.js';

const created = 1_700_000_000;

class RecordingSink implements StreamSink {
  readonly writes: string[] = [];
  endCalls = 0;
  write(chunk: string): void {
    if (this.endCalls > 0) throw new Error('write after end');
    this.writes.push(chunk);
  }
  end(): void {
    this.endCalls += 1;
  }
  /** Every write as its parsed JSON payload, or the literal for [DONE] and comments. */
  payloads(): unknown[] {
    return this.writes.map((chunk) => {
      if (chunk === ': ping\n\n') return ': ping';
      const match = /^data: (.*)\n\n$/s.exec(chunk);
      if (!match || match[1]?.includes('\n\n'))
        throw new Error(`not exactly one SSE data chunk: ${JSON.stringify(chunk)}`);
      return match[1] === '[DONE]' ? '[DONE]' : JSON.parse(match[1]!);
    });
  }
}

/** `id: null` lets the writer choose its id. */
function run(events: CanonicalStreamEvent[], includeUsage: boolean, id: string | null = 'chatcmpl-test') {
  const sink = new RecordingSink();
  const writer = createOpenAIChatStreamWriter(sink, 'my-route', {
    includeUsage,
    createdSeconds: created,
    ...(id ? { id } : {}),
  });
  for (const event of events) writer.write(event);
  return { sink, writer };
}

function chunk(delta: Record<string, unknown>, finishReason: string | null = null, usage?: null) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created,
    model: 'my-route',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...(usage === null ? { usage: null } : {}),
  };
}

describe('createOpenAIChatStreamWriter', () => {
  it('writes a text answer as role, content and finish chunks, then [DONE]', () => {
    const { sink, writer } = run(textStream(), false);
    expect(sink.payloads()).toStrictEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ', world' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
    expect(sink.endCalls).toBe(1);
    expect(writer.done).toBe(true);
  });

  it('with include_usage, gives every chunk usage:null and sends the usage chunk after the finish chunk', () => {
    const { sink } = run(textStream(), true);
    expect(sink.payloads()).toStrictEqual([
      chunk({ role: 'assistant', content: '' }, null, null),
      chunk({ content: 'Hello' }, null, null),
      chunk({ content: ', world' }, null, null),
      chunk({}, 'stop', null),
      {
        id: 'chatcmpl-test',
        object: 'chat.completion.chunk',
        created,
        model: 'my-route',
        choices: [],
        usage: {
          prompt_tokens: 15,
          completion_tokens: 5,
          total_tokens: 20,
          prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 2 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
      '[DONE]',
    ]);
  });

  it('numbers tool calls 0, 1 by call (not by canonical block index) and routes interleaved fragments', () => {
    const { sink } = run(parallelToolCallStream(), false);
    expect(sink.payloads()).toStrictEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Let me check both.' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_tokyo', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"Tokyo"}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
  });

  it('sends thinking as reasoning_content and drops signatures', () => {
    const { sink } = run(thinkingStream(), true);
    const payloads = sink.payloads();
    expect(payloads.slice(0, 5)).toStrictEqual([
      chunk({ role: 'assistant', content: '' }, null, null),
      chunk({ reasoning_content: 'Six times ' }, null, null),
      chunk({ reasoning_content: 'seven.' }, null, null),
      chunk({ content: '42' }, null, null),
      chunk({}, 'length', null),
    ]);
    expect(payloads[5]).toMatchObject({
      choices: [],
      usage: { completion_tokens: 20, completion_tokens_details: { reasoning_tokens: 12 } },
    });
    expect(payloads[6]).toBe('[DONE]');
    expect(sink.writes.join('')).not.toContain('sig-xyz');
  });

  it('sends the role chunk before the first content when no message-start came', () => {
    const { sink } = run(
      [
        { type: 'block-start', index: 0, block: { type: 'text' } },
        { type: 'text-delta', index: 0, text: 'Hi' },
        {
          type: 'finish',
          reason: 'stop-sequence',
          stopSequence: 'END',
          usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        },
      ],
      false,
    );
    expect(sink.payloads()).toStrictEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hi' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('keeps one id on every chunk: the upstream chatcmpl- id, or a generated one', () => {
    const generated = run(textStream(), true, null)
      .sink.payloads()
      .filter((payload) => payload !== '[DONE]');
    const ids = new Set(generated.map((payload) => (payload as { id: string }).id));
    expect(ids.size).toBe(1);
    const [onlyId] = [...ids];
    expect(onlyId).toMatch(/^chatcmpl-[0-9a-f]{30}$/);

    const events = textStream();
    events[0] = { type: 'message-start', id: 'chatcmpl-upstream123' };
    const kept = run(events, false, null)
      .sink.payloads()
      .filter((payload) => payload !== '[DONE]');
    expect(kept.every((payload) => (payload as { id: string }).id === 'chatcmpl-upstream123')).toBe(true);
  });

  it('ends with an in-band error chunk, no [DONE], and ignores everything after a canonical error event', () => {
    const { sink, writer } = run(errorMidStream(), true);
    const payloads = sink.payloads();
    expect(payloads).toHaveLength(3);
    expect(payloads[1]).toStrictEqual(chunk({ content: 'Partial ans' }, null, null));
    expect(payloads[2]).toStrictEqual({
      error: { message: 'Overloaded', type: 'service_unavailable', param: null, code: 'overloaded_error' },
    });
    expect(sink.writes.join('')).not.toContain('[DONE]');
    expect(sink.endCalls).toBe(1);
    expect(writer.done).toBe(true);
    writer.fail(new GatewayError({ status: 500, code: 'SWITCHYARD_INTERNAL', message: 'late' }));
    writer.ping();
    writer.write({
      type: 'finish',
      reason: 'end-turn',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    expect(sink.writes).toHaveLength(3);
    expect(sink.endCalls).toBe(1);
  });

  it('maps an in-band rate limit to rate_limit_error', () => {
    const { sink } = run(
      [
        { type: 'message-start' },
        { type: 'error', error: new UpstreamError({ kind: 'rate-limited', status: 429, message: 'Slow down' }) },
      ],
      false,
    );
    expect(sink.payloads()[1]).toStrictEqual({
      error: { message: 'Slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('fail() writes the gateway error with its attempts and ends the stream', () => {
    const sink = new RecordingSink();
    const writer = createOpenAIChatStreamWriter(sink, 'my-route', {
      includeUsage: false,
      createdSeconds: created,
      id: 'chatcmpl-test',
    });
    writer.write({ type: 'message-start' });
    writer.write({ type: 'text-delta', index: 0, text: 'So' });
    const attempts: AttemptSummary[] = [{ deployment: 'anthropic-direct', kind: 'stream-interrupted' }];
    writer.fail(
      new GatewayError({
        status: 502,
        code: 'SWITCHYARD_STREAM_INTERRUPTED',
        message: 'The upstream stream broke off',
        attempts,
      }),
    );
    expect(sink.payloads()[2]).toStrictEqual({
      error: {
        message: 'The upstream stream broke off',
        type: 'server_error',
        param: null,
        code: 'switchyard_stream_interrupted',
        attempts,
      },
    });
    expect(sink.endCalls).toBe(1);
    expect(writer.done).toBe(true);
  });

  it('writes a ping as an SSE comment, in one write', () => {
    const sink = new RecordingSink();
    const writer = createOpenAIChatStreamWriter(sink, 'my-route', { includeUsage: false, createdSeconds: created });
    writer.ping();
    expect(sink.writes).toEqual([': ping\n\n']);
    expect(writer.done).toBe(false);
  });

  it('writes nothing but [DONE] after finish, and nothing at all once done', () => {
    const { sink, writer } = run(textStream(), false);
    const before = sink.writes.length;
    writer.write({ type: 'text-delta', index: 0, text: 'late' });
    writer.ping();
    expect(sink.writes.length).toBe(before);
    expect(sink.writes.at(-1)).toBe('data: [DONE]\n\n');
  });
});
