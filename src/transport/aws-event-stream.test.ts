// Event-stream framing: any sequence of frames, split at any byte positions, decodes to the same
// messages; a flipped byte in a frame's prelude, headers or payload is caught by a CRC and rejected;
// a stream cut inside a frame, or text where frames belong, is an UpstreamError.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MessageHeaders, MessageHeaderValue } from '@smithy/eventstream-codec';
import { UpstreamError } from '../canonical/errors.js';
import {
  encodeEventStreamMessage,
  readEventStreamMessages,
  stringHeader,
  type EventStreamMessage,
} from './aws-event-stream.js';

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].filter((value) => value > 0 && value < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

async function decodeAll(bytes: Uint8Array, cuts: number[] = []): Promise<EventStreamMessage[]> {
  const messages: EventStreamMessage[] = [];
  for await (const message of readEventStreamMessages(chunksOf(bytes, cuts))) messages.push(message);
  return messages;
}

/** Plain values for comparison: typed-array views become arrays, whatever buffer they sit in. */
function plain(message: EventStreamMessage): unknown {
  const headers: Record<string, unknown> = {};
  for (const [name, header] of Object.entries(message.headers)) {
    headers[name] = header.type === 'binary' ? { type: 'binary', value: Array.from(header.value) } : header;
  }
  return { headers, body: Array.from(message.body) };
}

function concat(frames: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(frames));
}

const headerValue: fc.Arbitrary<MessageHeaderValue> = fc.oneof(
  fc.string({ maxLength: 40 }).map((value) => ({ type: 'string' as const, value })),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc.integer({ min: -128, max: 127 }).map((value) => ({ type: 'byte' as const, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: 'short' as const, value })),
  fc.integer().map((value) => ({ type: 'integer' as const, value })),
  fc.uint8Array({ maxLength: 30 }).map((value) => ({ type: 'binary' as const, value })),
);

const message: fc.Arbitrary<EventStreamMessage> = fc.record({
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), headerValue, {
    maxKeys: 4,
  }) as fc.Arbitrary<MessageHeaders>,
  body: fc.uint8Array({ maxLength: 200 }),
});

const messages = fc.array(message, { minLength: 1, maxLength: 6 });

async function expectUpstreamError(promise: Promise<unknown>): Promise<UpstreamError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(UpstreamError.isInstance(thrown), 'decoding must fail with an UpstreamError').toBe(true);
  return thrown as UpstreamError;
}

describe('readEventStreamMessages', () => {
  it('decodes the same messages however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(messages, fc.array(fc.nat(), { maxLength: 20 }), async (originals, rawCuts) => {
        const bytes = concat(originals.map(encodeEventStreamMessage));
        const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
        const decoded = await decodeAll(bytes, cuts);
        expect(decoded.map(plain)).toEqual(originals.map(plain));
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a stream fed one byte at a time', async () => {
    const originals: EventStreamMessage[] = [
      {
        headers: { ':event-type': { type: 'string' as const, value: 'messageStart' } },
        body: new TextEncoder().encode('{"role":"assistant"}'),
      },
      { headers: {}, body: new Uint8Array(0) },
    ];
    const bytes = concat(originals.map(encodeEventStreamMessage));
    const decoded = await decodeAll(
      bytes,
      Array.from({ length: bytes.length }, (_, position) => position),
    );
    expect(decoded.map(plain)).toEqual(originals.map(plain));
    expect(stringHeader(decoded[0]!, ':event-type')).toBe('messageStart');
  });

  it('rejects a frame whose payload or headers were corrupted (message CRC)', async () => {
    await fc.assert(
      fc.asyncProperty(
        messages,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (originals, frameChoice, byteChoice, flip) => {
          const frames = originals.map(encodeEventStreamMessage);
          const target = frameChoice % frames.length;
          const frame = frames[target]!;
          // Anything after the prelude (headers, payload, the CRC itself) is covered by the message CRC.
          const position = 12 + (byteChoice % (frame.length - 12));
          const corrupted = frame.slice();
          corrupted[position] = corrupted[position]! ^ flip;
          frames[target] = corrupted;
          await expectUpstreamError(decodeAll(concat(frames)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a frame whose prelude was corrupted (prelude CRC), without waiting for the length it claims', async () => {
    await fc.assert(
      fc.asyncProperty(
        messages,
        fc.nat(),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 255 }),
        async (originals, frameChoice, position, flip) => {
          const frames = originals.map(encodeEventStreamMessage);
          const target = frameChoice % frames.length;
          const corrupted = frames[target]!.slice();
          corrupted[position] = corrupted[position]! ^ flip;
          frames[target] = corrupted;
          const error = await expectUpstreamError(decodeAll(concat(frames)));
          expect(error.providerCode).toBe('malformed_event_stream');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects text where frames belong (an SSE body) at once', async () => {
    const error = await expectUpstreamError(decodeAll(new TextEncoder().encode('data: {not json\n\n')));
    expect(error.kind).toBe('server');
    expect(error.message).toMatch(/prelude checksum/);
  });

  it('rejects a body that ends inside a frame as an interrupted stream', async () => {
    const frame = encodeEventStreamMessage({ headers: {}, body: new TextEncoder().encode('{"text":"Hel"}') });
    const error = await expectUpstreamError(decodeAll(frame.subarray(0, frame.length - 5)));
    expect(error.kind).toBe('stream-interrupted');
    expect(error.providerCode).toBe('truncated_event_stream');
  });

  it('ends cleanly on an empty body', async () => {
    expect(await decodeAll(new Uint8Array(0))).toEqual([]);
  });

  it('stops reading the body when the consumer stops', async () => {
    let released = false;
    const frame = encodeEventStreamMessage({ headers: {}, body: new Uint8Array([1, 2, 3]) });
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield frame;
      } finally {
        released = true;
      }
    }
    for await (const decoded of readEventStreamMessages(body())) {
      expect(Array.from(decoded.body)).toEqual([1, 2, 3]);
      break;
    }
    expect(released).toBe(true);
  });
});
