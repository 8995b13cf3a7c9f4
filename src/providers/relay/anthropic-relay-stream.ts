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
      // Every event is parsed, only to know that the client can parse it too: one it cannot is skipped.
      const data =
        event.data.length === 0 ? {} : parseStreamObject(provider, event.data, `${name ?? 'unnamed'} event data`);
      if (data === undefined) continue;
      if (name === undefined || !readEvents.has(name)) {
        relayed.add(event.raw, name !== undefined && contentEvents.has(name));
        continue;
      }
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
