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

import { StringDecoder } from 'node:string_decoder';

const blankLines = ['\n\n', '\r\n\r\n', '\r\r'];

/**
 * Where the first event in `text` (from `from`) ends, just past its blank line, or -1. Most servers end
 * lines with LF only: `hasCarriageReturns` false lets that case search for one pattern, not three
 * (each search that finds nothing reads the whole rest of the buffer).
 */
function eventEnd(text: string, from: number, hasCarriageReturns: boolean): number {
  if (!hasCarriageReturns) {
    const at = text.indexOf('\n\n', from);
    return at === -1 ? -1 : at + 2;
  }
  let end = -1;
  for (const blank of blankLines) {
    const at = text.indexOf(blank, from);
    if (at !== -1 && (end === -1 || at + blank.length < end)) end = at + blank.length;
  }
  return end;
}

/** Whether the text has anything but whitespace (not `trim()`: that copies every event it is asked about). */
function hasText(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code !== 10 && code !== 13 && code !== 32 && code !== 9) return true;
  }
  return false;
}

/** Reads one field line (`name: value`, `name:value`, or a bare `name`) into the event being built. */
function readField(line: string, fields: { event?: string; data?: string }): void {
  if (line.length === 0 || line.charCodeAt(0) === 58 /* ':' comment */) return;
  const colon = line.indexOf(':');
  const field = colon === -1 ? line : line.slice(0, colon);
  if (field !== 'event' && field !== 'data') return;
  let value = colon === -1 ? '' : line.slice(colon + 1);
  if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
  if (field === 'event') fields.event = value;
  else fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`;
}

/** Reads the fields of one event's text. */
export function parseRawSseEvent(raw: string): RawSseEvent {
  const fields: { event?: string; data?: string } = {};
  if (raw.includes('\r')) {
    for (const line of raw.split(/\r\n|\r|\n/)) readField(line, fields);
  } else {
    // LF-only lines (the common case): walk the text instead of splitting it into an array.
    let start = 0;
    while (start < raw.length) {
      let end = raw.indexOf('\n', start);
      if (end === -1) end = raw.length;
      readField(raw.slice(start, end), fields);
      start = end + 1;
    }
  }
  const data = fields.data ?? '';
  return fields.event === undefined ? { raw, data } : { raw, event: fields.event, data };
}

/**
 * The events of an SSE body in the batches they arrived in: one array per network chunk (only the
 * complete events in it), so a burst of events is read, checked and forwarded as one piece rather
 * than one await per event. A final event without its blank line is yielded as well (with what text
 * it has): the relay decides whether the answer was complete.
 */
export async function* readRawSseBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<RawSseEvent[]> {
  // A character split across chunks waits in the decoder for its other bytes.
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let hasCarriageReturns = false;
  for await (const chunk of body) {
    const text = decoder.write(chunk as Buffer);
    if (!hasCarriageReturns && text.includes('\r')) hasCarriageReturns = true;
    buffer += text;
    const batch: RawSseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = eventEnd(buffer, start, hasCarriageReturns);
      if (end === -1) break;
      const raw = buffer.slice(start, end);
      start = end;
      // A blank line with nothing before it is not an event (keep-alive newlines).
      if (hasText(raw)) batch.push(parseRawSseEvent(raw));
    }
    if (start > 0) buffer = buffer.slice(start);
    if (batch.length > 0) yield batch;
  }
  buffer += decoder.end();
  if (hasText(buffer)) yield [parseRawSseEvent(buffer)];
}
