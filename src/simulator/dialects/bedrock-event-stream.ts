// Binary `application/vnd.amazon.eventstream` messages for the Bedrock dialect (docs/protocols/bedrock.md
// §3.4), encoded with the AWS SDK's own codec so the framing and both CRCs are exactly what
// Bedrock sends: events (`:message-type: event`), modelled exceptions (`:message-type: exception`)
// and, for the malformed fault, a message whose checksum does not match.
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { AnswerHeaders, StreamFrame } from './dialect.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const eventStreamContentType = 'application/vnd.amazon.eventstream';

// Bedrock pads every event payload with a `p` field of varying length so the size of an encrypted
// frame does not reveal the size of the text in it; clients must ignore it.
const paddingAlphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function padded(payload: Record<string, unknown>): string {
  const json = JSON.stringify(payload);
  const padding = paddingAlphabet.slice(0, 1 + (json.length % paddingAlphabet.length));
  return JSON.stringify({ ...payload, p: padding });
}

function stringHeader(value: string): MessageHeaders[string] {
  return { type: 'string', value };
}

/** One event message: `:event-type` names the member, the payload is its JSON. */
export function eventFrame(eventType: string, payload: Record<string, unknown>, tokens = 0): StreamFrame {
  const data = codec.encode({
    headers: {
      ':event-type': stringHeader(eventType),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('event'),
    },
    body: fromUtf8(padded(payload)),
  });
  return { data, tokens };
}

/** A modelled exception inside a stream already under way (`throttlingException`, …). */
export function exceptionFrame(exceptionType: string, message: string): StreamFrame {
  const data = codec.encode({
    headers: {
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('exception'),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
  return { data, tokens: 0 };
}

/** The same message with its trailing message CRC flipped: a decoder that checks CRCs must reject it. */
export function withBrokenChecksum(frame: StreamFrame): StreamFrame {
  const bytes = Uint8Array.from(frame.data as Uint8Array);
  const last = bytes.length - 1;
  bytes[last] = (bytes[last] ?? 0) ^ 0xff;
  return { data: bytes, tokens: frame.tokens };
}

export function eventStreamHeaders(requestId: string, extra: AnswerHeaders = {}): AnswerHeaders {
  return { 'content-type': eventStreamContentType, 'x-amzn-RequestId': requestId, ...extra };
}
