// Reads a Bedrock event stream back, as the AWS SDKs do: frames decoded with the Smithy codec (which
// checks both CRCs), fed in small slices so framing across reads is exercised, each chunk's base64
// payload decoded to the Anthropic event it carries.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface DecodedFrame {
  headers: Record<string, string>;
  /** The frame payload, parsed. */
  payload: Record<string, unknown>;
  /** For a chunk: the Anthropic stream event inside it. */
  event?: Record<string, unknown>;
}

export function decodeEventStream(bytes: Uint8Array, sliceSize = 13): DecodedFrame[] {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const frames: DecodedFrame[] = [];
  // The codec decodes whole messages: reassemble them from slices by their total_length prelude,
  // as the SDKs' chunked reader does.
  let pending: Uint8Array = new Uint8Array(0);
  for (let offset = 0; offset < bytes.length; offset += sliceSize) {
    pending = concatBytes([pending, bytes.subarray(offset, offset + sliceSize)]);
    while (pending.length >= 4) {
      const total = new DataView(pending.buffer, pending.byteOffset, pending.byteLength).getUint32(0);
      if (pending.length < total) break;
      frames.push(toFrame(codec.decode(pending.subarray(0, total))));
      pending = pending.subarray(total);
    }
  }
  if (pending.length > 0) throw new Error(`${pending.length} bytes left after the last whole frame`);
  return frames;
}

function toFrame(message: ReturnType<EventStreamCodec['decode']>): DecodedFrame {
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
  const payload = JSON.parse(toUtf8(message.body)) as Record<string, unknown>;
  const frame: DecodedFrame = { headers, payload };
  if (headers[':event-type'] === 'chunk') {
    frame.event = JSON.parse(Buffer.from(String(payload.bytes), 'base64').toString('utf8')) as Record<string, unknown>;
  }
  return frame;
}

/** The chunk events as SSE text, which is what Anthropic's Bedrock SDK turns the stream into. */
export function chunksAsSse(frames: DecodedFrame[]): string {
  return frames
    .filter((frame) => frame.event !== undefined)
    .map((frame) => `event: ${String(frame.event!.type)}\ndata: ${JSON.stringify(frame.event)}\n\n`)
    .join('');
}

export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
