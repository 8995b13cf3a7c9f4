// The relay taps forward what one network chunk brought as one relay event (one socket write),
// with the bytes unchanged and in order, the finish or error after the bytes that preceded it, and
// a content mark when any event of the chunk puts content in front of the client.
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { readRawSseBatches } from '../../transport/raw-sse.js';
import { relayAnthropicEvents } from './anthropic-relay-stream.js';
import { relayOpenAIEvents } from './openai-relay-stream.js';

async function* chunks(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield new TextEncoder().encode(text);
}

async function collect(events: AsyncIterable<CanonicalStreamEvent>): Promise<CanonicalStreamEvent[]> {
  const all: CanonicalStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const messageStart = sse('message_start', {
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], usage: {} },
});
const blockStart = sse('content_block_start', {
  type: 'content_block_start',
  index: 0,
  content_block: { type: 'text', text: '' },
});
const delta = (text: string) =>
  sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
const messageDelta = sse('message_delta', {
  type: 'message_delta',
  delta: { stop_reason: 'end_turn' },
  usage: { output_tokens: 3 },
});
const messageStop = sse('message_stop', { type: 'message_stop' });

describe('relay batches', () => {
  it('forwards the events of one chunk as one relay event, a later chunk as another, then the finish', async () => {
    const first = messageStart + blockStart + delta('Hello');
    const second = delta(' there') + messageDelta + messageStop;
    const events = await collect(relayAnthropicEvents(readRawSseBatches(chunks(first, second)), 'anthropic'));
    expect(events.map((event) => event.type)).toEqual(['relay', 'relay', 'finish']);
    expect(events[0]).toEqual({ type: 'relay', data: first, content: true });
    expect(events[1]).toEqual({ type: 'relay', data: second, content: true });
    expect(events[2]).toMatchObject({ type: 'finish', reason: 'end-turn' });
  });

  it('marks a chunk without content as such, so the stream is still held for failover', async () => {
    const events = await collect(
      relayAnthropicEvents(readRawSseBatches(chunks(messageStart, blockStart + delta('Hi'))), 'anthropic'),
    );
    expect(events.slice(0, 2)).toEqual([
      { type: 'relay', data: messageStart, content: false },
      { type: 'relay', data: blockStart + delta('Hi'), content: true },
    ]);
  });

  it('keeps event boundaries that fall inside a chunk, and events split across chunks', async () => {
    const whole = messageStart + blockStart + delta('split') + messageDelta + messageStop;
    const cut = whole.length - 40;
    const events = await collect(
      relayAnthropicEvents(readRawSseBatches(chunks(whole.slice(0, cut), whole.slice(cut))), 'anthropic'),
    );
    const relayed = events.flatMap((event) => (event.type === 'relay' ? [event.data] : []));
    expect(relayed.join('')).toBe(whole);
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('sends the bytes before an in-band error, then the error event as it came', async () => {
    const error = sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const events = await collect(
      relayAnthropicEvents(readRawSseBatches(chunks(messageStart + blockStart + delta('Hi') + error)), 'anthropic'),
    );
    expect(events.map((event) => event.type)).toEqual(['relay', 'error']);
    expect(events[0]).toEqual({ type: 'relay', data: messageStart + blockStart + delta('Hi'), content: true });
    expect(events[1]).toMatchObject({ type: 'error', relayed: error });
  });

  it('skips an event that does not parse and keeps the rest of its chunk', async () => {
    const broken = 'event: content_block_delta\ndata: {"type":"content_block_delta",\n\n';
    const events = await collect(
      relayAnthropicEvents(readRawSseBatches(chunks(messageStart + broken + blockStart + delta('ok'))), 'anthropic'),
    );
    expect(events[0]).toEqual({ type: 'relay', data: messageStart + blockStart + delta('ok'), content: true });
  });

  it('batches Chat Completions chunks the same way, [DONE] with the last batch', async () => {
    const chunk = (content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const first = chunk('Hel') + chunk('lo');
    const second = `${chunk('', 'stop')}data: [DONE]\n\n`;
    const events = await collect(relayOpenAIEvents(readRawSseBatches(chunks(first, second)), 'openai'));
    expect(events.map((event) => event.type)).toEqual(['relay', 'relay', 'finish']);
    expect(events[0]).toEqual({ type: 'relay', data: first, content: true });
    expect(events[1]).toEqual({ type: 'relay', data: second, content: true });
    expect(events[2]).toMatchObject({ type: 'finish', reason: 'end-turn', rawReason: 'stop' });
  });
});
