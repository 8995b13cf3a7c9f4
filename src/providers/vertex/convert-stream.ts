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
import type { GeminiGenerateContentResponse } from '../gemini/gemini-api.js';
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
      const unread = sse.event !== undefined && !anthropicEvents.has(sse.event);
      const first = unread ? undefined : parseStreamObject('vertex', sse.data);
      // An unparseable first event says nothing about which publisher speaks: it is skipped.
      if (!unread && first === undefined) continue;
      reader = readerFor(sse, first, request, context);
    }
    if (reader.publisher === 'anthropic') {
      // After message_stop the rest is read and ignored, so the connection can go back to the pool.
      if (reader.converter.done) continue;
      if (sse.event !== undefined && !anthropicEvents.has(sse.event)) continue;
      const data = parseStreamObject('vertex', sse.data);
      if (data === undefined) continue;
      const name = sse.event ?? (typeof data.type === 'string' ? data.type : '');
      yield* reader.converter.convert(name, data);
      if (name === 'error') return;
    } else {
      if (sse.data.trim().length === 0) continue;
      const chunk = parseStreamObject('vertex', sse.data);
      if (chunk === undefined) continue;
      yield* reader.converter.accept(chunk as GeminiGenerateContentResponse);
      if (reader.converter.done) return;
    }
  }
  if (reader?.publisher === 'google') yield* reader.converter.end();
  else if (reader?.publisher === 'anthropic') yield* reader.converter.endOfBody();
}
