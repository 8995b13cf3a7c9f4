// Amazon Event Stream framing (`application/vnd.amazon.eventstream`, docs/protocols/bedrock.md §3.4) from a
// byte stream: frames are reassembled across chunk boundaries (a frame may be split at any byte) and
// decoded by the AWS SDK's own EventStreamCodec, which checks both CRCs. Anything that is not a
// well-formed frame (a corrupted CRC, an impossible length, text where frames belong, a frame cut off
// by the end of the body) is an UpstreamError: the stream cannot be trusted past that point.
import { crc32 } from 'node:zlib';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { UpstreamError } from '../canonical/errors.js';

export type EventStreamMessage = Message;
export type EventStreamHeaders = MessageHeaders;

/** total_length, headers_length, prelude_crc. */
const preludeLength = 12;
/** Prelude plus the trailing message CRC: the size of a frame with no headers and no payload. */
const minimumFrameLength = 16;
/** The spec's limits: payload 24 MB, headers 128 KB. */
const maximumPayloadLength = 24 * 1024 * 1024;
const maximumHeadersLength = 128 * 1024;
const maximumFrameLength = maximumPayloadLength + maximumHeadersLength + minimumFrameLength;

let sharedCodec: EventStreamCodec | undefined;

/** The codec is stateless for encode/decode, so one instance serves every stream. */
export function eventStreamCodec(): EventStreamCodec {
  sharedCodec ??= new EventStreamCodec(toUtf8, fromUtf8);
  return sharedCodec;
}

function malformed(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    kind: 'server',
    providerCode: 'malformed_event_stream',
    message: `aws event stream: ${message}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Checks the prelude as soon as its 12 bytes are in, before waiting for the rest of the frame: a
 * corrupted length would otherwise make us buffer up to 4 GB waiting for bytes that never come.
 * The codec checks the prelude CRC again (and the message CRC) when it decodes the whole frame.
 */
function checkPrelude(view: DataView, offset: number): number {
  const totalLength = view.getUint32(offset, false);
  const headersLength = view.getUint32(offset + 4, false);
  const preludeCrc = view.getUint32(offset + 8, false);
  const computed = crc32(new Uint8Array(view.buffer, view.byteOffset + offset, 8));
  if (computed !== preludeCrc) throw malformed('prelude checksum mismatch (not an event stream, or corrupted)');
  if (totalLength < minimumFrameLength || totalLength > maximumFrameLength) {
    throw malformed(`frame length ${totalLength} is out of bounds`);
  }
  if (headersLength > maximumHeadersLength || headersLength > totalLength - minimumFrameLength) {
    throw malformed(`headers length ${headersLength} does not fit a frame of ${totalLength} bytes`);
  }
  return totalLength;
}

/** A growable byte buffer: chunks are appended at the end, frames are consumed from the front. */
class FrameBuffer {
  private bytes = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get available(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    if (this.end + chunk.byteLength > this.bytes.byteLength) {
      const needed = this.available + chunk.byteLength;
      const next =
        needed <= this.bytes.byteLength
          ? this.bytes
          : new Uint8Array(Math.max(needed, this.bytes.byteLength * 2, 4096));
      next.set(this.bytes.subarray(this.start, this.end), 0);
      this.bytes = next;
      this.end -= this.start;
      this.start = 0;
    }
    this.bytes.set(chunk, this.end);
    this.end += chunk.byteLength;
  }

  view(): DataView {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + this.start, this.available);
  }

  /** Takes `length` bytes off the front, as a copy: the buffer's memory is reused for later chunks. */
  take(length: number): Uint8Array {
    const frame = this.bytes.slice(this.start, this.start + length);
    this.start += length;
    if (this.start === this.end) this.start = this.end = 0;
    return frame;
  }
}

/**
 * Yields each decoded message ({headers, body}) of an event-stream body in order. Throws an
 * UpstreamError on a corrupted or truncated stream. Stopping the iteration early stops reading the body.
 */
export async function* readEventStreamMessages(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  const codec = eventStreamCodec();
  const buffer = new FrameBuffer();
  let frameLength: number | undefined;
  for await (const chunk of body) {
    buffer.append(chunk);
    for (;;) {
      if (frameLength === undefined) {
        if (buffer.available < preludeLength) break;
        frameLength = checkPrelude(buffer.view(), 0);
      }
      if (buffer.available < frameLength) break;
      const frame = buffer.take(frameLength);
      frameLength = undefined;
      let message: EventStreamMessage;
      try {
        message = codec.decode(frame);
      } catch (error) {
        throw malformed(error instanceof Error ? error.message : 'undecodable frame', error);
      }
      yield message;
    }
  }
  if (buffer.available > 0) {
    throw new UpstreamError({
      kind: 'stream-interrupted',
      providerCode: 'truncated_event_stream',
      message: `aws event stream: the body ended inside a frame (${buffer.available} bytes left over)`,
    });
  }
}

/** A string header's value (`:event-type`, `:message-type`, …); undefined when absent or not a string. */
export function stringHeader(message: EventStreamMessage, name: string): string | undefined {
  const header = message.headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

/** Encodes one message; used by fixtures, the simulator and tests (the same codec that decodes). */
export function encodeEventStreamMessage(message: EventStreamMessage): Uint8Array {
  return eventStreamCodec().encode(message);
}
