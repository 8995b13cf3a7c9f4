// Server-sent events split out of a byte stream WITH their exact text, for the relay lane: each
// event's bytes go to the client unchanged, while the gateway reads its `event:` name and `data:`
// beside it. Events end at a blank line (LF, CRLF or CR line ends; bytes split anywhere); comments and
// unknown fields stay in the raw text and are ignored when reading.

export interface RawSseEvent {
  /** The event's text exactly as received, its terminating blank line included. */
  raw: string;
  /** The `event:` name, when the server sent one. */
  event?: string;
  /** The `data:` lines joined with LF (empty when there were none). */
  data: string;
}

const blankLines = ['\n\n', '\r\n\r\n', '\r\r'];

/** Where the first event in `text` (from `from`) ends, just past its blank line, or -1. */
function eventEnd(text: string, from: number): number {
  let end = -1;
  for (const blank of blankLines) {
    const at = text.indexOf(blank, from);
    if (at !== -1 && (end === -1 || at + blank.length < end)) end = at + blank.length;
  }
  return end;
}

/** Reads the fields of one event's text. */
export function parseRawSseEvent(raw: string): RawSseEvent {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.length === 0 || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return event === undefined ? { raw, data: data ?? '' } : { raw, event, data: data ?? '' };
}

/**
 * The events of an SSE body in the batches they arrived in: one array per network chunk (only the
 * complete events in it), so a burst of events is read, checked and forwarded as one piece rather
 * than one await per event. A final event without its blank line is yielded as well (with what text
 * it has): the relay decides whether the answer was complete.
 */
export async function* readRawSseBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<RawSseEvent[]> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    const batch: RawSseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = eventEnd(buffer, start);
      if (end === -1) break;
      const raw = buffer.slice(start, end);
      start = end;
      // A blank line with nothing before it is not an event (keep-alive newlines).
      if (raw.trim().length > 0) batch.push(parseRawSseEvent(raw));
    }
    if (start > 0) buffer = buffer.slice(start);
    if (batch.length > 0) yield batch;
  }
  buffer += decoder.decode();
  if (buffer.trim().length > 0) yield [parseRawSseEvent(buffer)];
}
