// A Bedrock `application/vnd.amazon.eventstream` body → canonical stream events. One reader for both
// APIs: a ConverseStream names its events (messageStart, contentBlockDelta, …), an
// InvokeModelWithResponseStream sends `chunk` events; the first event says which one this is.
// Exception and error frames become an `{type:'error'}` event, after which reading stops.
import type { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { readEventStreamMessages, stringHeader, type EventStreamMessage } from '../../transport/aws-event-stream.js';
import { bedrockStreamError } from './bedrock-error.js';
import { ConverseStreamConverter } from './convert-converse-stream.js';
import { InvokeStreamConverter } from './invoke-model.js';
import { parseStreamObject } from '../parse-stream-object.js';

type Fields = Record<string, unknown>;

const textDecoder = new TextDecoder();

/** The frame's JSON payload; undefined (a skipped event, published) when it is not a JSON object. */
function payloadOf(message: EventStreamMessage): Fields | undefined {
  if (message.body.byteLength === 0) return {};
  return parseStreamObject('bedrock', textDecoder.decode(message.body), 'event payload');
}

/** The error an exception or unmodeled-error frame carries; undefined for an ordinary event. */
function frameError(message: EventStreamMessage): UpstreamError | undefined {
  const messageType = stringHeader(message, ':message-type');
  if (messageType === 'exception') {
    const code = stringHeader(message, ':exception-type') ?? 'unknownException';
    return bedrockStreamError(code, textDecoder.decode(message.body));
  }
  if (messageType === 'error') {
    const code = stringHeader(message, ':error-code') ?? 'InternalFailure';
    return bedrockStreamError(code, textDecoder.decode(message.body), stringHeader(message, ':error-message') ?? '');
  }
  return undefined;
}

/**
 * The adapter's parseStream. After `finish` the rest of the body is still read (and ignored) so the
 * connection can go back to the pool; after an error frame reading stops at once.
 */
export async function* convertBedrockStream(
  body: AsyncIterable<Uint8Array>,
  request: CanonicalRequest,
): AsyncGenerator<CanonicalStreamEvent> {
  let converse: ConverseStreamConverter | undefined;
  let invoke: InvokeStreamConverter | undefined;
  for await (const message of readEventStreamMessages(body)) {
    if (converse?.done || invoke?.done) continue;
    const error = frameError(message);
    if (error !== undefined) {
      yield { type: 'error', error };
      return;
    }
    const eventType = stringHeader(message, ':event-type') ?? '';
    const payload = payloadOf(message);
    if (payload === undefined) continue;
    let events: CanonicalStreamEvent[];
    if (eventType === 'chunk') {
      if (converse !== undefined) continue;
      invoke ??= new InvokeStreamConverter();
      events = invoke.convert(payload);
    } else {
      if (invoke !== undefined) continue;
      converse ??= new ConverseStreamConverter(request);
      events = converse.convert(eventType, payload);
    }
    yield* events;
    // An Anthropic `error` event inside a chunk ends the stream like an exception frame does.
    if (events.some((event) => event.type === 'error')) return;
  }
  if (converse !== undefined) yield* converse.end();
  if (invoke !== undefined) yield* invoke.endOfBody();
}
