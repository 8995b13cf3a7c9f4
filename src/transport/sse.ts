// Server-sent events from a byte stream, with eventsource-parser doing the framing
// (split at any byte, CRLF or LF, comments, multi-line data).
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` name, when the server sent one. */
  event?: string;
  data: string;
}

export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data });
    },
  });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (pending.length > 0) {
      const ready = pending;
      pending = [];
      yield* ready;
    }
  }
  parser.feed(decoder.decode());
  // A final event without its blank line is incomplete by the SSE rules: it is dropped, as browsers do.
  if (pending.length > 0) yield* pending;
}
