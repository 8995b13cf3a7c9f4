// The relay lane's tap on an Anthropic Messages SSE stream (Anthropic, Claude on Vertex; Bedrock's
// unwrapped chunks too): every event goes to the client as it came, while the gateway reads beside
// it only what it needs — where content starts (the stream is held until then, so it can still fail
// over), usage and stop reason (the finish), and in-band errors. Block events (server tools,
// citations, compaction, whatever comes next) are forwarded without being read at all.
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { parseStreamObject } from '../parse-stream-object.js';
import type { RawSseEvent } from '../../transport/raw-sse.js';
import { AnthropicStreamConverter } from '../anthropic/convert-stream.js';
import { RelayBatch } from './relay-batch.js';

/** The events whose fields the tap reads; every other event is forwarded without a look inside. */
const readEvents = new Set(['message_start', 'message_delta', 'message_stop', 'error']);
const contentEvents = new Set(['content_block_start', 'content_block_delta']);

/**
 * A text, tool-input, thinking or signature delta exactly as Anthropic writes one: JSON for certain
 * (the pattern only admits JSON's own string characters and escapes), recognised without building an
 * object. Most of a stream's events are these; any other spelling is parsed to be checked.
 */
const plainDelta =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what a JSON string may not hold
  /^\{"type":"content_block_delta","index":(?:0|[1-9]\d{0,8}),"delta":\{"type":"(?:text_delta","text|input_json_delta","partial_json|thinking_delta","thinking|signature_delta","signature)":"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"\}\}$/;

/** Whether the data is a delta in Anthropic's own spelling (see plainDelta). */
export function isPlainDelta(data: string): boolean {
  return plainDelta.test(data);
}

/** Whether a client's strict parser will take the event's data (an unparseable one is skipped and published). */
function parses(provider: string, name: string | undefined, data: string): boolean {
  if (data.length === 0 || (name === 'content_block_delta' && isPlainDelta(data))) return true;
  return parseStreamObject(provider, data, `${name ?? 'unnamed'} event data`) !== undefined;
}

/** What a client would have received had the upstream sent its terminator. */
export const anthropicMessageStop = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

function eventName(event: RawSseEvent): string | undefined {
  if (event.event !== undefined) return event.event;
  // Anthropic always names events; a bare `data:` line still says what it is in its `type`.
  const match = /"type"\s*:\s*"([a-z_]+)"/.exec(event.data);
  return match?.[1];
}

/**
 * Relay events for each batch of upstream events (one per network chunk, see relay-batch.ts), then
 * the finish (or the upstream's error). A stream that ends after its stop reason but without
 * message_stop is finished for the client at once.
 */
export async function* relayAnthropicEvents(
  batches: AsyncIterable<RawSseEvent[]>,
  provider: string,
): AsyncGenerator<CanonicalStreamEvent> {
  const converter = new AnthropicStreamConverter();
  const relayed = new RelayBatch();
  for await (const batch of batches) {
    for (const event of batch) {
      // After message_stop the rest is read and dropped, so the connection can go back to the pool.
      if (converter.done) break;
      const name = eventName(event);
      if (name === undefined || !readEvents.has(name)) {
        // Checked only to know that the client can parse it too: one it cannot is skipped.
        if (parses(provider, name, event.data)) relayed.add(event.raw, name !== undefined && contentEvents.has(name));
        continue;
      }
      const data = event.data.length === 0 ? {} : parseStreamObject(provider, event.data, `${name} event data`);
      if (data === undefined) continue;
      const read = converter.convert(name, data);
      if (name === 'error') {
        const failure = read.find((item) => item.type === 'error');
        if (failure?.type === 'error') {
          const before = relayed.take();
          if (before !== undefined) yield before;
          yield { type: 'error', error: failure.error, relayed: event.raw };
        }
        return;
      }
      relayed.add(event.raw, false);
      const finish = read.find((item) => item.type === 'finish');
      if (finish !== undefined) {
        yield relayed.take()!;
        yield finish;
      }
    }
    const rest = relayed.take();
    if (rest !== undefined) yield rest;
  }
  const finished = converter.endOfBody().filter((item) => item.type === 'finish');
  if (finished.length > 0) {
    yield { type: 'relay', data: anthropicMessageStop, content: false };
    yield* finished;
  }
}
