// Streams in: alt=sse chunks (CRLF and LF separated) → the exact canonical event sequence.
import { captureSkippedEvents } from '../../../test/support/skipped-events.js';
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { seededRandom } from '../../util/random.js';
import { toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { geminiFixtureBytes } from '../../../test/fixtures/gemini/load-fixtures.js';
import { convertGeminiStream } from './convert-stream.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function events(source: string | Uint8Array): Promise<CanonicalStreamEvent[]> {
  const bytes = typeof source === 'string' ? geminiFixtureBytes(source) : source;
  const collected: CanonicalStreamEvent[] = [];
  for await (const event of convertGeminiStream(once(bytes), toolRoundTripRequest(), {
    provider: 'gemini',
    random: seededRandom(5),
  })) {
    collected.push(event);
  }
  return collected;
}

describe('convertGeminiStream', () => {
  it('streams text chunks separated by CRLF CRLF into one text block, usage from the last chunk', async () => {
    expect(await events('text.sse.txt')).toEqual([
      {
        type: 'message-start',
        id: 'pUx3aNH3Fr2p1dkPv9GNiQ4',
        upstreamModel: 'gemini-2.5-flash',
        usage: { inputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Hello! How' },
      { type: 'text-delta', index: 0, text: ' can I' },
      { type: 'text-delta', index: 0, text: ' help?' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'STOP',
        stopSequence: null,
        usage: { inputTokens: 9, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('sends a whole functionCall as start, one JSON delta and end, and finishes with tool-use', async () => {
    const received = await events('tool-call.sse.txt');
    const start = received.find((event) => event.type === 'block-start' && event.block.type === 'tool-call');
    const id = start?.type === 'block-start' && start.block.type === 'tool-call' ? start.block.id : '';
    expect(id).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
    expect(received.slice(1)).toEqual([
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Let me check the weather.' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'tool-call', id, name: 'get_weather' } },
      { type: 'tool-input-delta', index: 1, partialJson: '{"city":"Paris"}' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'tool-use',
        rawReason: 'STOP',
        stopSequence: null,
        usage: { inputTokens: 61, outputTokens: 22, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('keeps the ids of parallel calls that came with ids', async () => {
    const received = await events('parallel-calls.sse.txt');
    const starts = received.filter((event) => event.type === 'block-start');
    expect(starts).toEqual([
      { type: 'block-start', index: 0, block: { type: 'tool-call', id: 'fc_7d1a', name: 'get_weather' } },
      { type: 'block-start', index: 1, block: { type: 'tool-call', id: 'fc_7d1b', name: 'get_weather' } },
    ]);
    expect(received.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-use' });
  });

  it('puts thought parts in a thinking block (no signature) before the text, reasoning in usage', async () => {
    const received = await events('thinking.sse.txt');
    expect(received.slice(1)).toEqual([
      { type: 'block-start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking-delta', index: 0, text: '**Weighing the question**\n\nThe user wants a greeting.' },
      { type: 'thinking-delta', index: 0, text: ' A short one will do.' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'text' } },
      { type: 'text-delta', index: 1, text: 'Hi there!' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'STOP',
        stopSequence: null,
        usage: { inputTokens: 8, outputTokens: 44, cacheReadTokens: 4, cacheWriteTokens: 0, reasoningTokens: 41 },
      },
    ]);
    expect(received.some((event) => event.type === 'signature-delta')).toBe(false);
  });

  it('turns an error chunk into an error event and stops', async () => {
    const received = await events('error-mid-stream.sse.txt');
    const last = received.at(-1);
    expect(received.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'error']);
    expect(last?.type === 'error' && last.error.kind).toBe('overloaded');
    expect(last?.type === 'error' && last.error.providerCode).toBe('UNAVAILABLE');
  });

  it('finishes a blocked prompt with content-filter and no blocks', async () => {
    expect(await events('prompt-blocked.sse.txt')).toEqual([
      {
        type: 'message-start',
        id: 'e3D6cL4qF0g_3fmRms4TySu',
        upstreamModel: 'gemini-2.5-flash',
        usage: { inputTokens: 14, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      {
        type: 'finish',
        reason: 'content-filter',
        rawReason: 'PROHIBITED_CONTENT',
        stopSequence: null,
        usage: { inputTokens: 14, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('ends without finish when the body ends before a finish reason (the caller reports the cut)', async () => {
    const received = await events('cut-before-finish.sse.txt');
    expect(received.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'text-delta']);
  });

  it('skips a chunk that is not a JSON object and reads the chunks after it', async () => {
    const text =
      'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"STOP"}]}\r\n\r\n';
    const skipped = captureSkippedEvents();
    try {
      const withGarbage = await events(new TextEncoder().encode(`data: [1,2]\r\n\r\n${text}`));
      expect(withGarbage).toEqual(await events(new TextEncoder().encode(text)));
      expect(withGarbage.some((event) => event.type === 'text-delta')).toBe(true);
    } finally {
      skipped.stop();
    }
    expect(skipped.events).toEqual([{ provider: 'gemini', reason: 'chunk is not a JSON object' }]);
  });
});
