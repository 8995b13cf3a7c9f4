// A Vertex stream → canonical events. As with JSON answers, the stream itself says which publisher
// answered: Claude's streamRawPredict speaks Anthropic SSE (named events, a `type` in every payload),
// Gemini's streamGenerateContent?alt=sse bare `data:` chunks without a `type`. The first event
// decides; each is then read by its own converter, exactly as the Anthropic and Gemini adapters do.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { readSseEvents, type SseEvent } from '../../transport/sse.js';
import { AnthropicStreamConverter } from '../anthropic/convert-stream.js';
import type { GeminiConvertContext } from '../gemini/convert-response.js';
import { GeminiStreamConverter } from '../gemini/convert-stream.js';
import { parseStreamObject } from '../parse-stream-object.js';

/** Anthropic events whose data is read; others (ping, future types) are skipped unread, as the Anthropic adapter does. */
const anthropicEvents = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'error',
]);

function parseObject(data: string): Record<string, unknown> {
  return parseStreamObject('vertex', data);
}

type Reader =
  | { publisher: 'anthropic'; converter: AnthropicStreamConverter }
  | { publisher: 'google'; converter: GeminiStreamConverter };

function readerFor(
  first: SseEvent,
  data: Record<string, unknown> | undefined,
  request: CanonicalRequest,
  context: GeminiConvertContext,
): Reader {
  if (first.event !== undefined || typeof data?.type === 'string')
    return { publisher: 'anthropic', converter: new AnthropicStreamConverter() };
  return { publisher: 'google', converter: new GeminiStreamConverter(request, context) };
}

export async function* convertVertexStream(
  body: AsyncIterable<Uint8Array>,
  request: CanonicalRequest,
  context: GeminiConvertContext,
): AsyncGenerator<CanonicalStreamEvent> {
  let reader: Reader | undefined;
  for await (const sse of readSseEvents(body)) {
    if (reader === undefined) {
      if (sse.data.trim().length === 0 && sse.event === undefined) continue;
      const skipped = sse.event !== undefined && !anthropicEvents.has(sse.event);
      reader = readerFor(sse, skipped ? undefined : parseObject(sse.data), request, context);
    }
    if (reader.publisher === 'anthropic') {
      // After message_stop the rest is read and ignored, so the connection can go back to the pool.
      if (reader.converter.done) continue;
      if (sse.event !== undefined && !anthropicEvents.has(sse.event)) continue;
      const data = parseObject(sse.data);
      const name = sse.event ?? (typeof data.type === 'string' ? data.type : '');
      yield* reader.converter.convert(name, data);
      if (name === 'error') return;
    } else {
      if (sse.data.trim().length === 0) continue;
      yield* reader.converter.accept(parseObject(sse.data));
      if (reader.converter.done) return;
    }
  }
  if (reader?.publisher === 'google') yield* reader.converter.end();
}
