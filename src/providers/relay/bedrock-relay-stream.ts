// The relay lane for Claude on Bedrock InvokeModelWithResponseStream: each `chunk` frame carries one
// Anthropic stream event, base64-encoded. Unwrapped, it is relayed to an Anthropic client as the SSE
// event it is (its JSON text untouched); the Anthropic tap reads it beside. Exception frames end the
// stream with Bedrock's own classification (ThrottlingException stays a rate limit).
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { publishSkippedEvent } from '../../observability/skipped-events.js';
import { readEventStreamMessages, stringHeader } from '../../transport/aws-event-stream.js';
import type { RawSseEvent } from '../../transport/raw-sse.js';
import { bedrockStreamError } from '../bedrock/bedrock-error.js';
import { relayAnthropicEvents } from './anthropic-relay-stream.js';

const textDecoder = new TextDecoder();

/** The Anthropic event a chunk frame carries, as SSE text; undefined for a frame that cannot be read. */
function unwrapChunk(payload: Uint8Array): RawSseEvent | undefined {
  try {
    const frame = JSON.parse(textDecoder.decode(payload)) as { bytes?: unknown };
    if (typeof frame.bytes !== 'string') return undefined;
    const data = Buffer.from(frame.bytes, 'base64').toString('utf8');
    const type = /"type"\s*:\s*"([a-z_]+)"/.exec(data)?.[1];
    if (type === undefined) return undefined;
    return { raw: `event: ${type}\ndata: ${data}\n\n`, event: type, data };
  } catch {
    return undefined;
  }
}

/** Each chunk frame's event, as a batch of one (frames are decoded one message at a time). */
async function* unwrapInvokeStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<RawSseEvent[]> {
  for await (const message of readEventStreamMessages(body)) {
    const messageType = stringHeader(message, ':message-type');
    if (messageType === 'exception') {
      throw bedrockStreamError(
        stringHeader(message, ':exception-type') ?? 'unknownException',
        textDecoder.decode(message.body),
      );
    }
    if (messageType === 'error') {
      throw bedrockStreamError(
        stringHeader(message, ':error-code') ?? 'InternalFailure',
        textDecoder.decode(message.body),
        stringHeader(message, ':error-message') ?? '',
      );
    }
    if (stringHeader(message, ':event-type') !== 'chunk') continue;
    const event = unwrapChunk(message.body);
    if (event === undefined) publishSkippedEvent({ provider: 'bedrock', reason: 'chunk is not base64 JSON' });
    else yield [event];
  }
}

export function relayBedrockInvokeStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<CanonicalStreamEvent> {
  return relayAnthropicEvents(unwrapInvokeStream(body), 'bedrock');
}
