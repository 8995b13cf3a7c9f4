// The Anthropic stream writer: canonical event sequences in, SSE out, read back with a real SSE
// parser, checked against the §1.4 order, and handed to the Anthropic SDK's own stream parser.
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import {
  collectingSink,
  expectWellFormed,
  finalMessageFromSdk,
  type CollectingSink,
} from '../../../test/fixtures/anthropic-ingress/stream-harness.js';
import { createAnthropicStreamWriter } from './write-stream.js';

const clientModel = 'claude-sonnet-4-5';
const finalUsage: Usage = { inputTokens: 20, outputTokens: 42, cacheReadTokens: 3, cacheWriteTokens: 4 };

function run(events: CanonicalStreamEvent[]): CollectingSink {
  const sink = collectingSink();
  const writer = createAnthropicStreamWriter(sink, clientModel);
  for (const event of events) writer.write(event);
  return sink;
}

const textSequence: CanonicalStreamEvent[] = [
  {
    type: 'message-start',
    id: 'msg_upstream1',
    upstreamModel: 'gpt-5',
    usage: { inputTokens: 20, cacheReadTokens: 3, cacheWriteTokens: 4 },
  },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'Hello, ' },
  { type: 'text-delta', index: 0, text: 'wörld "quoted"\n' },
  { type: 'block-end', index: 0 },
  { type: 'finish', reason: 'end-turn', usage: finalUsage },
];

describe('createAnthropicStreamWriter', () => {
  it('writes a text stream the SDK turns into the right message', async () => {
    const sink = run(textSequence);
    expect(sink.endCalls).toBe(1);
    const events = await expectWellFormed(sink);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_upstream1',
        type: 'message',
        role: 'assistant',
        model: clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 0, cache_creation_input_tokens: 4, cache_read_input_tokens: 3 },
      },
    });
    expect(events[5]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 42, cache_creation_input_tokens: 4, cache_read_input_tokens: 3 },
    });

    const message = await finalMessageFromSdk(sink.text());
    expect(message.id).toBe('msg_upstream1');
    expect(message.model).toBe(clientModel);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello, wörld "quoted"\n' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: 20,
      output_tokens: 42,
      cache_creation_input_tokens: 4,
      cache_read_input_tokens: 3,
    });
  });

  it('streams a tool call with input_json_delta and closes the block left open at finish', async () => {
    const sink = run([
      { type: 'message-start', id: 'chatcmpl-1', usage: { inputTokens: 9 } },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Let me check.' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'tool-call', id: 'toolu_01', name: 'get_weather' } },
      { type: 'tool-input-delta', index: 1, partialJson: '' },
      { type: 'tool-input-delta', index: 1, partialJson: '{"city":' },
      { type: 'tool-input-delta', index: 1, partialJson: ' "Paris"}' },
      { type: 'finish', reason: 'tool-use', usage: { ...finalUsage, inputTokens: 9 } },
    ]);
    const events = await expectWellFormed(sink);
    expect(events[4]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} },
    });
    expect(events[5]).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '' },
    });
    expect(events.at(-3)).toEqual({ type: 'content_block_stop', index: 1 });

    const message = await finalMessageFromSdk(sink.text());
    expect(message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('streams thinking with its signature, redacted thinking and text', async () => {
    const sink = run([
      { type: 'message-start', id: 'msg_think' },
      { type: 'block-start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking-delta', index: 0, text: 'Consider the ' },
      { type: 'thinking-delta', index: 0, text: 'question.' },
      { type: 'signature-delta', index: 0, signature: 'EqQBCgIYAhIM' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'redacted-thinking', data: 'opaque==' } },
      { type: 'block-end', index: 1 },
      { type: 'block-start', index: 2, block: { type: 'text' } },
      { type: 'text-delta', index: 2, text: '42' },
      { type: 'block-end', index: 2 },
      { type: 'finish', reason: 'end-turn', usage: finalUsage },
    ]);
    await expectWellFormed(sink);
    const message = await finalMessageFromSdk(sink.text());
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Consider the question.', signature: 'EqQBCgIYAhIM' },
      { type: 'redacted_thinking', data: 'opaque==' },
      { type: 'text', text: '42' },
    ]);
  });

  it('reports the stop sequence that matched', async () => {
    const sink = run([
      ...textSequence.slice(0, -1),
      { type: 'finish', reason: 'stop-sequence', stopSequence: 'END', usage: finalUsage },
    ]);
    const message = await finalMessageFromSdk(sink.text());
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('END');
  });

  it('emits message_start itself when the first event is not message-start', async () => {
    const sink = run(textSequence.slice(1));
    const events = await expectWellFormed(sink);
    const start = events[0] as { message: { id: string; usage: Record<string, number> } };
    expect(start.message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(start.message.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    const message = await finalMessageFromSdk(sink.text());
    expect(message.content).toEqual([{ type: 'text', text: 'Hello, wörld "quoted"\n' }]);
    expect(message.usage.input_tokens).toBe(20);
  });

  it('writes a finish with no content as a complete, empty message', async () => {
    const sink = run([{ type: 'finish', reason: 'max-tokens', usage: finalUsage }]);
    const events = await expectWellFormed(sink);
    expect(events.map((event) => event.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    const message = await finalMessageFromSdk(sink.text());
    expect(message.content).toEqual([]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('ignores a second message-start, which the SDK would reject', async () => {
    const sink = run([textSequence[0]!, { type: 'message-start', id: 'msg_second' }, ...textSequence.slice(1)]);
    await expectWellFormed(sink);
    expect((await finalMessageFromSdk(sink.text())).id).toBe('msg_upstream1');
  });

  it('closes a block whose index starts again, and gives the new one the next index', async () => {
    const sink = run([
      { type: 'message-start' },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'first' },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'second' },
      { type: 'finish', reason: 'end-turn', usage: finalUsage },
    ]);
    const events = await expectWellFormed(sink);
    expect(events.map((event) => `${String(event.type)}:${String(event.index ?? '')}`)).toEqual([
      'message_start:',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_stop:1',
      'message_delta:',
      'message_stop:',
    ]);
    const message = await finalMessageFromSdk(sink.text());
    expect(message.content).toEqual([
      { type: 'text', text: 'first' },
      { type: 'text', text: 'second' },
    ]);
  });

  it('opens a text block for a delta without a start, and drops deltas it cannot place', async () => {
    const sink = run([
      { type: 'message-start' },
      { type: 'text-delta', index: 0, text: 'implicit' },
      { type: 'tool-input-delta', index: 0, partialJson: '{}' },
      { type: 'block-end', index: 0 },
      { type: 'text-delta', index: 0, text: ' late' },
      { type: 'tool-input-delta', index: 5, partialJson: '{"orphan":true}' },
      { type: 'signature-delta', index: 6, signature: 'orphan' },
      { type: 'block-end', index: 9 },
      { type: 'finish', reason: 'end-turn', usage: finalUsage },
    ]);
    const events = await expectWellFormed(sink);
    expect(events.filter((event) => event.type === 'content_block_delta')).toHaveLength(1);
    expect((await finalMessageFromSdk(sink.text())).content).toEqual([{ type: 'text', text: 'implicit' }]);
  });

  it('never reports less input than message_start announced', async () => {
    const sink = run([
      { type: 'message-start', usage: { inputTokens: 100, cacheReadTokens: 50 } },
      {
        type: 'finish',
        reason: 'end-turn',
        usage: { inputTokens: 0, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
    const message = await finalMessageFromSdk(sink.text());
    expect(message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 50, output_tokens: 5 });
  });

  it('writes ping as Anthropic does, which the SDK skips anywhere', async () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, clientModel);
    writer.ping();
    writer.write(textSequence[0]!);
    writer.ping();
    for (const event of textSequence.slice(1, -1)) {
      writer.write(event);
      writer.ping();
    }
    writer.write(textSequence.at(-1)!);
    writer.ping();
    expect(sink.writes[0]).toBe('event: ping\ndata: {"type": "ping"}\n\n');
    expect(sink.writes.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    expect(writer.done).toBe(true);
    expect((await finalMessageFromSdk(sink.text())).content).toEqual([
      { type: 'text', text: 'Hello, wörld "quoted"\n' },
    ]);
  });
});
