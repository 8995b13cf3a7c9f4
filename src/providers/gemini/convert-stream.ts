// streamGenerateContent?alt=sse (docs/protocols/ §4.2, §6.4) → canonical stream events.
// Each `data:` is a whole GenerateContentResponse; there are no event names and no [DONE]. Text and
// thought parts are incremental (one block per run of the same kind); functionCall parts arrive
// whole, so each becomes block-start, one tool-input-delta with the JSON of its args, block-end.
// The finish reason and final usage ride on the last chunk; `finish` is emitted when the body ends
// after one was seen (a body that ends without one ends without `finish`: the caller reports it).
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import { readSseEvents } from '../../transport/sse.js';
import type { GeminiGenerateContentResponse } from './gemini-api.js';
import type { GeminiConvertContext } from './convert-response.js';
import { convertGeminiUsage } from './convert-usage.js';
import { inBandGoogleError } from './google-error.js';
import { mapGeminiBlockReason, mapGeminiFinishReason } from './map-finish-reason.js';
import { blockReasonOf, firstCandidate, readParts, type ReadPart } from './read-candidate.js';
import { syntheticToolCallId } from './tool-call-ids.js';
import { createGeminiToolNameMap, type GeminiToolNameMap } from './tool-names.js';
import { parseStreamObject } from '../parse-stream-object.js';
import { nonEmptyString } from '../../util/wire-values.js';

/** The state of one stream: the open text or thinking block, whether tools were called, the last reason and usage. */
export class GeminiStreamConverter {
  private readonly toolNames: GeminiToolNameMap;
  private started = false;
  private nextIndex = 0;
  private open: { index: number; kind: 'text' | 'thinking' } | undefined;
  private functionCalls = 0;
  private responseId: string | undefined;
  private finishReason: string | undefined;
  private blockReason: string | undefined;
  private usage: Usage | undefined;
  /** True after an error chunk: nothing more is emitted. */
  done = false;

  constructor(
    request: CanonicalRequest,
    private readonly context: GeminiConvertContext,
  ) {
    this.toolNames = createGeminiToolNameMap(request);
  }

  /** The canonical events for one chunk. */
  accept(chunk: GeminiGenerateContentResponse): CanonicalStreamEvent[] {
    if (this.done) return [];
    if (chunk.error !== undefined && chunk.error !== null) {
      this.done = true;
      return [{ type: 'error', error: inBandGoogleError(this.context.provider, chunk) }];
    }
    const events: CanonicalStreamEvent[] = [];
    this.responseId ??= nonEmptyString(chunk.responseId);
    if (typeof chunk.usageMetadata === 'object' && chunk.usageMetadata !== null)
      this.usage = convertGeminiUsage(chunk.usageMetadata);
    if (!this.started) events.push(this.messageStart(chunk));
    const candidate = firstCandidate(chunk);
    for (const part of readParts(candidate)) this.appendPart(part, events);
    const finishReason = nonEmptyString(candidate?.finishReason);
    if (finishReason !== undefined) this.finishReason = finishReason;
    const blockReason = candidate === undefined ? blockReasonOf(chunk) : undefined;
    if (blockReason !== undefined) this.blockReason = blockReason;
    return events;
  }

  /** At the end of the body: closes what is open and emits `finish`, when the upstream said it finished. */
  end(): CanonicalStreamEvent[] {
    if (this.done || (this.finishReason === undefined && this.blockReason === undefined)) return [];
    this.done = true;
    const events: CanonicalStreamEvent[] = [];
    if (!this.started) events.push(this.messageStart({}));
    this.closeOpen(events);
    const rawReason = this.blockReason ?? this.finishReason;
    events.push({
      type: 'finish',
      reason:
        this.blockReason !== undefined
          ? mapGeminiBlockReason(this.blockReason)
          : mapGeminiFinishReason(this.finishReason, this.functionCalls > 0),
      ...(rawReason !== undefined ? { rawReason } : {}),
      stopSequence: null,
      usage: this.usage ?? convertGeminiUsage(undefined),
    });
    return events;
  }

  private messageStart(chunk: GeminiGenerateContentResponse): CanonicalStreamEvent {
    this.started = true;
    const event: Extract<CanonicalStreamEvent, { type: 'message-start' }> = { type: 'message-start' };
    const id = nonEmptyString(chunk.responseId);
    const model = nonEmptyString(chunk.modelVersion);
    if (id !== undefined) event.id = id;
    if (model !== undefined) event.upstreamModel = model;
    if (this.usage !== undefined) {
      event.usage = {
        inputTokens: this.usage.inputTokens,
        cacheReadTokens: this.usage.cacheReadTokens,
        cacheWriteTokens: 0,
      };
    }
    return event;
  }

  private closeOpen(events: CanonicalStreamEvent[]): void {
    if (this.open === undefined) return;
    events.push({ type: 'block-end', index: this.open.index });
    this.open = undefined;
  }

  private appendPart(part: ReadPart, events: CanonicalStreamEvent[]): void {
    if (part.kind === 'function-call') {
      this.closeOpen(events);
      const index = this.nextIndex++;
      const id = part.id ?? syntheticToolCallId(this.responseId, this.functionCalls, this.context.random);
      this.functionCalls += 1;
      events.push(
        { type: 'block-start', index, block: { type: 'tool-call', id, name: this.toolNames.fromWire(part.name) } },
        { type: 'tool-input-delta', index, partialJson: JSON.stringify(part.args) },
        { type: 'block-end', index },
      );
      return;
    }
    if (this.open?.kind !== part.kind) {
      this.closeOpen(events);
      this.open = { index: this.nextIndex++, kind: part.kind };
      events.push({ type: 'block-start', index: this.open.index, block: { type: part.kind } });
    }
    const index = this.open.index;
    events.push(
      part.kind === 'text'
        ? { type: 'text-delta', index, text: part.text }
        : { type: 'thinking-delta', index, text: part.text },
    );
  }
}

/** The adapter's parseStream. After an error chunk reading stops at once. */
export async function* convertGeminiStream(
  body: AsyncIterable<Uint8Array>,
  request: CanonicalRequest,
  context: GeminiConvertContext,
): AsyncGenerator<CanonicalStreamEvent> {
  const converter = new GeminiStreamConverter(request, context);
  for await (const sse of readSseEvents(body)) {
    if (sse.data.trim().length === 0) continue;
    const chunk = parseStreamObject(context.provider, sse.data, 'chunk');
    if (chunk === undefined) continue;
    yield* converter.accept(chunk as GeminiGenerateContentResponse);
    if (converter.done) return;
  }
  yield* converter.end();
}
