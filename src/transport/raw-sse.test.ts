// The relay lane's SSE reader: whatever the line ends and wherever the bytes are split (inside a
// multi-byte character included), every event comes out with its exact text and its fields read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRawSseEvent, readRawSseBatches } from './raw-sse.js';

interface Sent {
  event?: string;
  data: string[];
  comment?: string;
}

// Multi-byte characters on every line, so that some cuts fall inside one.
const lineText = fc.stringMatching(/^[^\r\n]*$/, { maxLength: 20 }).map((text) => `${text}é→`);
const sentEvent: fc.Arbitrary<Sent> = fc.record(
  {
    event: fc.constantFrom('message_start', 'content_block_delta', 'ping', 'error'),
    data: fc.array(lineText, { minLength: 1, maxLength: 3 }),
    comment: lineText,
  },
  { requiredKeys: ['data'] },
);

function render(event: Sent, lineEnd: string): string {
  const lines = [
    ...(event.comment === undefined ? [] : [`:${event.comment}`]),
    ...(event.event === undefined ? [] : [`event: ${event.event}`]),
    ...event.data.map((line) => `data: ${line}`),
  ];
  return `${lines.join(lineEnd)}${lineEnd}${lineEnd}`;
}

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

describe('readRawSseBatches', () => {
  it('yields every event with its exact text and fields, however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(sentEvent, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (events, lineEnd, cutSeeds) => {
          const texts = events.map((event) => render(event, lineEnd));
          const bytes = new TextEncoder().encode(texts.join(''));
          const cuts = cutSeeds.map((seed) => seed % bytes.length);
          const read = [];
          for await (const batch of readRawSseBatches(chunked(bytes, cuts))) read.push(...batch);
          expect(read.map((event) => event.raw)).toEqual(texts);
          expect(read.map((event) => event.event)).toEqual(events.map((event) => event.event));
          expect(read.map((event) => event.data)).toEqual(events.map((event) => event.data.join('\n')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('yields a last event that lacks its blank line, and skips bare blank lines', async () => {
    const bytes = new TextEncoder().encode('\n\nevent: ping\ndata: {}\n\ndata: {"type":"message_stop"}');
    const read = [];
    for await (const batch of readRawSseBatches(chunked(bytes, []))) read.push(...batch);
    expect(read).toEqual([
      { raw: 'event: ping\ndata: {}\n\n', event: 'ping', data: '{}' },
      { raw: 'data: {"type":"message_stop"}', data: '{"type":"message_stop"}' },
    ]);
  });
});

describe('parseRawSseEvent', () => {
  it('reads fields with and without the space after the colon, a bare field name, and ignores others', () => {
    expect(parseRawSseEvent('event:x\ndata\ndata: two\nid: 7\n\n')).toEqual({
      raw: 'event:x\ndata\ndata: two\nid: 7\n\n',
      event: 'x',
      data: '\ntwo',
    });
  });
});
