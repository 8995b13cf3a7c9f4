// The Bedrock stream writer: canonical events in, binary event-stream frames out. Frames are decoded
// with the Smithy codec (CRCs checked), each chunk's base64 payload read back, the Anthropic event
// sequence checked, and the events handed to the Anthropic SDK's parser as the Bedrock SDK would.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventStreamMarshaller } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { GatewayError } from '../../canonical/gateway-error.js';
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import type { StreamSink } from '../client-stream-writer.js';
import { finalMessageFromSdk } from '../../../test/fixtures/anthropic-ingress/stream-harness.js';
import { chunksAsSse, concatBytes, decodeEventStream } from '../../../test/support/bedrock-event-stream.js';
import { createBedrockStreamWriter, createEventStreamSink } from './write-stream.js';

const clientModel = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const finalUsage: Usage = { inputTokens: 20, outputTokens: 42, cacheReadTokens: 0, cacheWriteTokens: 0 };

const textSequence: CanonicalStreamEvent[] = [
  { type: 'message-start', id: 'msg_upstream1', usage: { inputTokens: 20 } },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'Hello, ' },
  { type: 'text-delta', index: 0, text: 'wörld "quoted"\n' },
  { type: 'block-end', index: 0 },
  { type: 'finish', reason: 'end-turn', usage: finalUsage },
];

interface ByteSink extends StreamSink {
  chunks: Uint8Array[];
  strings: string[];
  endCalls: number;
  bytes(): Uint8Array;
}

function byteSink(): ByteSink {
  const sink: ByteSink = {
    chunks: [],
    strings: [],
    endCalls: 0,
    write(chunk) {
      if (typeof chunk === 'string') sink.strings.push(chunk);
      else sink.chunks.push(chunk);
    },
    end() {
      sink.endCalls += 1;
    },
    bytes: () => concatBytes(sink.chunks),
  };
  return sink;
}

function run(events: CanonicalStreamEvent[]): ByteSink {
  const sink = byteSink();
  const writer = createBedrockStreamWriter(sink, clientModel);
  for (const event of events) writer.write(event);
  return sink;
}

describe('createBedrockStreamWriter', () => {
  it('frames each Anthropic event as a chunk event, in the Anthropic order', async () => {
    const sink = run(textSequence);
    expect(sink.strings).toEqual([]);
    expect(sink.endCalls).toBe(1);
    const frames = decodeEventStream(sink.bytes());
    // One frame per write: a frame is never split across writes.
    expect(frames).toHaveLength(sink.chunks.length);
    for (const frame of frames) {
      expect(frame.headers).toEqual({
        ':message-type': 'event',
        ':event-type': 'chunk',
        ':content-type': 'application/json',
      });
      expect(Object.keys(frame.payload)).toEqual(['bytes']);
    }
    expect(frames.map((frame) => frame.event?.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(frames[0]!.event).toMatchObject({ message: { id: 'msg_upstream1', model: clientModel, role: 'assistant' } });
    expect(frames[3]!.event).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'wörld "quoted"\n' },
    });
    expect(frames[5]!.event).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { input_tokens: 20, output_tokens: 42 },
    });

    const message = await finalMessageFromSdk(chunksAsSse(frames));
    expect(message.content).toEqual([{ type: 'text', text: 'Hello, wörld "quoted"\n' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('carries a tool call round trip: tool_use start and input_json_delta', async () => {
    const sink = run([
      { type: 'message-start' },
      { type: 'block-start', index: 0, block: { type: 'tool-call', id: 'toolu_1', name: 'get_weather' } },
      { type: 'tool-input-delta', index: 0, partialJson: '{"city":' },
      { type: 'tool-input-delta', index: 0, partialJson: '"Paris"}' },
      { type: 'block-end', index: 0 },
      { type: 'finish', reason: 'tool-use', usage: finalUsage },
    ]);
    const message = await finalMessageFromSdk(chunksAsSse(decodeEventStream(sink.bytes(), 5)));
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('turns a mid-stream upstream failure into an exception frame, after the content already sent', () => {
    const sink = run([
      ...textSequence.slice(0, 3),
      {
        type: 'error',
        error: new UpstreamError({
          kind: 'overloaded',
          status: 529,
          message: 'Overloaded',
          providerCode: 'overloaded_error',
        }),
      },
    ]);
    expect(sink.endCalls).toBe(1);
    const frames = decodeEventStream(sink.bytes());
    expect(frames.slice(0, -1).map((frame) => frame.event?.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
    ]);
    const last = frames.at(-1)!;
    expect(last.headers).toEqual({
      ':message-type': 'exception',
      ':exception-type': 'serviceUnavailableException',
      ':content-type': 'application/json',
    });
    expect(last.payload).toEqual({ message: 'Overloaded' });
    expect(last.event).toBeUndefined();
  });

  it.each([
    [429, 'throttlingException'],
    [503, 'serviceUnavailableException'],
    [500, 'internalServerException'],
    [504, 'modelTimeoutException'],
  ])('fail() with a %i becomes a %s frame and ends the stream', (status, exceptionType) => {
    const sink = byteSink();
    const writer = createBedrockStreamWriter(sink, clientModel);
    for (const event of textSequence.slice(0, 3)) writer.write(event);
    writer.fail(
      new GatewayError({ status, code: 'SWITCHYARD_STREAM_INTERRUPTED', message: 'the upstream stream ended early' }),
    );
    writer.write(textSequence.at(-1)!);
    expect(writer.done).toBe(true);
    expect(sink.endCalls).toBe(1);
    const last = decodeEventStream(sink.bytes()).at(-1)!;
    expect(last.headers[':message-type']).toBe('exception');
    expect(last.headers[':exception-type']).toBe(exceptionType);
    expect(last.payload).toEqual({ message: 'the upstream stream ended early' });
  });

  it('frames a keep-alive ping as a chunk holding the Anthropic ping event', () => {
    const sink = byteSink();
    const writer = createBedrockStreamWriter(sink, clientModel);
    writer.ping();
    const [frame] = decodeEventStream(sink.bytes());
    expect(frame!.headers[':event-type']).toBe('chunk');
    expect(frame!.event).toEqual({ type: 'ping' });
  });
});

/**
 * Reads the stream with the AWS SDK's own event-stream unmarshaller and a deserializer shaped like
 * Bedrock's `de_ResponseStream` (what Anthropic's Bedrock SDK runs): chunks come out as events,
 * an exception frame is thrown as that exception.
 */
async function readWithAwsUnmarshaller(bytes: Uint8Array): Promise<{ events: unknown[]; error?: Error }> {
  const marshaller = new EventStreamMarshaller({ utf8Encoder: toUtf8, utf8Decoder: fromUtf8 });
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < bytes.length; offset += 11) yield bytes.subarray(offset, offset + 11);
  }
  const stream = marshaller.deserialize(Readable.from(slices()), async (input) => {
    const [name, message] = Object.entries(input)[0]!;
    const body = JSON.parse(toUtf8(message.body)) as { bytes?: string; message?: string };
    if (name === 'chunk') return { chunk: JSON.parse(Buffer.from(body.bytes!, 'base64').toString('utf8')) as unknown };
    if (name.endsWith('Exception')) return { [name]: Object.assign(new Error(body.message), { name }) };
    return { $unknown: input };
  });
  const events: unknown[] = [];
  try {
    for await (const event of stream) events.push((event as { chunk: unknown }).chunk);
  } catch (error) {
    return { events, error: error as Error };
  }
  return { events };
}

describe('as the AWS SDK reads it', () => {
  it('yields each chunk as an Anthropic event', async () => {
    const { events, error } = await readWithAwsUnmarshaller(run(textSequence).bytes());
    expect(error).toBeUndefined();
    expect(events.map((event) => (event as { type: string }).type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('throws the exception a mid-stream failure was framed as', async () => {
    const sink = byteSink();
    const writer = createBedrockStreamWriter(sink, clientModel);
    for (const event of textSequence.slice(0, 3)) writer.write(event);
    writer.fail(new GatewayError({ status: 429, code: 'SWITCHYARD_UPSTREAM_ERROR', message: 'slow down' }));
    const { events, error } = await readWithAwsUnmarshaller(sink.bytes());
    expect(events).toHaveLength(3);
    expect(error?.name).toBe('throttlingException');
    expect(error?.message).toBe('slow down');
  });
});

describe('createEventStreamSink', () => {
  it('frames SSE text written in arbitrary pieces, one frame per complete event', () => {
    const target = byteSink();
    const sink = createEventStreamSink(target);
    const text =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1"}}\n\n' +
      ': a comment\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    for (let offset = 0; offset < text.length; offset += 7) sink.write(text.slice(offset, offset + 7));
    sink.end();
    const frames = decodeEventStream(target.bytes());
    expect(frames.map((frame) => frame.event)).toEqual([
      { type: 'message_start', message: { id: 'msg_1' } },
      { type: 'message_stop' },
    ]);
    expect(target.endCalls).toBe(1);
  });

  it('passes bytes through unchanged', () => {
    const target = byteSink();
    createEventStreamSink(target).write(new Uint8Array([1, 2, 3]));
    expect(target.chunks).toEqual([new Uint8Array([1, 2, 3])]);
  });
});
