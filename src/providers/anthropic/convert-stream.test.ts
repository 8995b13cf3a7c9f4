// Anthropic SSE fixtures → canonical events: exact event lists, dense indices when unknown blocks are
// skipped, cumulative usage, in-band errors, malformed data and streams that stop early.
import { captureSkippedEvents } from '../../../test/support/skipped-events.js';
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { anthropicFixtureBytes, anthropicFixtureText } from '../../../test/fixtures/anthropic/load-fixture.js';
import { convertAnthropicStream } from './convert-stream.js';

const encoder = new TextEncoder();

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* byteByByte(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let position = 0; position < bytes.length; position++) yield bytes.subarray(position, position + 1);
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<CanonicalStreamEvent[]> {
  const events: CanonicalStreamEvent[] = [];
  for await (const event of convertAnthropicStream(body)) events.push(event);
  return events;
}

const fixture = (name: string) => collect(once(anthropicFixtureBytes(name)));

describe('convertAnthropicStream', () => {
  it('converts a text stream, ignoring ping', async () => {
    expect(await fixture('text.sse.txt')).toEqual([
      {
        type: 'message-start',
        id: 'msg_01TextFixture',
        upstreamModel: 'claude-sonnet-4-5-20250929',
        usage: { inputTokens: 21, cacheReadTokens: 1024, cacheWriteTokens: 0 },
      },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: '! How can I help?' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'end_turn',
        stopSequence: null,
        usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 1024, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('converts a tool call whose input arrives in pieces, the first one empty', async () => {
    const events = await fixture('tool-call.sse.txt');
    expect(events.slice(4)).toEqual([
      {
        type: 'block-start',
        index: 1,
        block: { type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather' },
      },
      { type: 'tool-input-delta', index: 1, partialJson: '{"city": ' },
      { type: 'tool-input-delta', index: 1, partialJson: '"Par' },
      { type: 'tool-input-delta', index: 1, partialJson: 'is"}' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'tool-use',
        rawReason: 'tool_use',
        stopSequence: null,
        usage: { inputTokens: 412, outputTokens: 57, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('converts thinking with its signature and redacted thinking', async () => {
    const events = await fixture('thinking.sse.txt');
    expect(events.slice(1, 10)).toEqual([
      { type: 'block-start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking-delta', index: 0, text: 'The user wants 27 * 453. ' },
      { type: 'thinking-delta', index: 0, text: 'That is 12231.' },
      { type: 'signature-delta', index: 0, signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'block-end', index: 0 },
      {
        type: 'block-start',
        index: 1,
        block: { type: 'redacted-thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
      },
      { type: 'block-end', index: 1 },
      { type: 'block-start', index: 2, block: { type: 'text' } },
      { type: 'text-delta', index: 2, text: '27 * 453 = 12231' },
    ]);
  });

  it('skips unknown block types with their deltas, keeps indices dense, and ignores unknown events', async () => {
    const events = await fixture('server-tool.sse.txt');
    expect(events.slice(1)).toEqual([
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: "I'll search for that." },
      { type: 'block-end', index: 0 },
      // upstream index 3 (after server_tool_use and web_search_tool_result) is canonical index 1;
      // its citations_delta is dropped.
      { type: 'block-start', index: 1, block: { type: 'text' } },
      { type: 'text-delta', index: 1, text: 'It is sunny and 18C in Paris.' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'end_turn',
        stopSequence: null,
        // message_delta carried input counts too: the last value wins over message_start's.
        usage: { inputTokens: 10682, outputTokens: 510, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('gives the same events when the bytes arrive one at a time', async () => {
    for (const name of ['server-tool.sse.txt', 'thinking.sse.txt']) {
      expect(await collect(byteByByte(anthropicFixtureBytes(name)))).toEqual(await fixture(name));
    }
  });

  it('ends with an error event classified from an in-band error, and stops reading', async () => {
    let readAfterError = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield anthropicFixtureBytes('error-mid-stream.sse.txt');
      readAfterError = true;
      yield encoder.encode('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    }
    const events = await collect(body());
    expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.kind).toBe('overloaded');
    expect(last?.type === 'error' && last.error.providerCode).toBe('overloaded_error');
    expect(readAfterError).toBe(false);
  });

  it.each([
    ['rate_limit_error', 'rate-limited'],
    ['api_error', 'server'],
    ['overloaded_error', 'overloaded'],
    ['timeout_error', 'timeout'],
    ['mystery_error', 'server'],
  ])('classifies an in-band %s as %s', async (type, kind) => {
    const stream = `event: error\ndata: {"type":"error","error":{"type":"${type}","message":"m"}}\n\n`;
    const events = await collect(once(encoder.encode(stream)));
    expect(events).toHaveLength(1);
    expect(events[0]?.type === 'error' && events[0].error.kind).toBe(kind);
  });

  it('skips an event whose data is not JSON, publishes the skip, and reads the rest of the stream', async () => {
    const text = anthropicFixtureText('text.sse.txt');
    const [head, tail] = text.split('event: content_block_stop');
    const garbled = `${head}event: content_block_delta\ndata: {"type":"content_block_delta",\n\nevent: content_block_stop${tail}`;
    const skipped = captureSkippedEvents();
    try {
      expect(await collect(once(encoder.encode(garbled)))).toEqual(await fixture('text.sse.txt'));
    } finally {
      skipped.stop();
    }
    expect(skipped.events).toEqual([{ provider: 'anthropic', reason: 'event data is not a JSON object' }]);
  });

  it('finishes a stream whose stop reason arrived but whose message_stop did not, and not one cut before it', async () => {
    const text = anthropicFixtureText('text.sse.txt');
    const unterminated = text.slice(0, text.indexOf('event: message_stop'));
    expect(await collect(once(encoder.encode(unterminated)))).toEqual(await fixture('text.sse.txt'));
    const cut = text.slice(0, text.indexOf('event: message_delta'));
    const events = await collect(once(encoder.encode(cut)));
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it('reads events without an event line by their type field', async () => {
    const events = await collect(
      once(encoder.encode('data: {"type":"message_start","message":{"id":"msg_bare","usage":{"input_tokens":3}}}\n\n')),
    );
    expect(events).toEqual([
      { type: 'message-start', id: 'msg_bare', usage: { inputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 } },
    ]);
  });

  it('just ends when the body stops before message_stop', async () => {
    const cut = anthropicFixtureText('text.sse.txt').split('event: message_delta')[0] ?? '';
    const events = await collect(once(encoder.encode(cut)));
    expect(events.map((event) => event.type)).toEqual([
      'message-start',
      'block-start',
      'text-delta',
      'text-delta',
      'block-end',
    ]);
  });

  it('closes blocks left open at message_stop before finishing, and reads the rest of the body', async () => {
    let drained = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode(anthropicFixtureText('text.sse.txt').replace(/event: content_block_stop\n.*\n\n/, ''));
      yield encoder.encode('event: content_block_start\ndata: {not even json\n\n');
      drained = true;
    }
    const events = await collect(body());
    expect(events.slice(-2).map((event) => event.type)).toEqual(['block-end', 'finish']);
    expect(drained).toBe(true);
  });
});
