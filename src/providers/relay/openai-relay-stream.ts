// The relay lane's tap on a Chat Completions SSE stream (OpenAI, Azure, OpenAI-compatible): every
// chunk goes to the client as it came, while the gateway reads beside it where content starts (the
// stream is held until then, so it can still fail over), the finish reason and usage, and in-band
// errors. A stream that ends after its finish reason but without `[DONE]` is finished at once.
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import { emptyUsage } from '../../canonical/usage.js';
import { parseStreamObject } from '../parse-stream-object.js';
import type { RawSseEvent } from '../../transport/raw-sse.js';
import { convertOpenAIUsage } from '../openai/convert-usage.js';
import { mapOpenAIFinishReason } from '../openai/map-finish-reason.js';
import type { OpenAIChatCompletionChunk } from '../openai/openai-api.js';
import { inBandOpenAIError } from '../openai/openai-error.js';
import { RelayBatch } from './relay-batch.js';

/** What a client would have received had the upstream sent its terminator. */
export const openAIDone = 'data: [DONE]\n\n';

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0);
}

interface ChunkReading {
  content: boolean;
  finishReason?: string;
  toolCalls: boolean;
}

/** Reads one chunk: does it put content in front of the client, does it say why the answer ended. */
function readChunk(chunk: OpenAIChatCompletionChunk): ChunkReading {
  const reading: ChunkReading = { content: false, toolCalls: false };
  for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
    const delta = (choice.delta ?? {}) as Record<string, unknown>;
    if (nonEmpty(delta.tool_calls)) reading.toolCalls = true;
    if (
      reading.toolCalls ||
      nonEmpty(delta.content) ||
      nonEmpty(delta.refusal) ||
      nonEmpty(delta.reasoning_content) ||
      nonEmpty(delta.reasoning)
    )
      reading.content = true;
    if (typeof choice.finish_reason === 'string' && choice.finish_reason.length > 0) {
      reading.content = true;
      reading.finishReason ??= choice.finish_reason;
    }
  }
  return reading;
}

/** Relay events for each batch of upstream events (one per network chunk, see relay-batch.ts), then the finish or error. */
export async function* relayOpenAIEvents(
  batches: AsyncIterable<RawSseEvent[]>,
  provider: string,
): AsyncGenerator<CanonicalStreamEvent> {
  let finishReason: string | undefined;
  let toolCalls = false;
  let usage: Usage | undefined;
  const relayed = new RelayBatch();
  const finish = (): CanonicalStreamEvent => ({
    type: 'finish',
    reason: mapOpenAIFinishReason(finishReason, toolCalls),
    ...(finishReason !== undefined ? { rawReason: finishReason } : {}),
    usage: usage ?? emptyUsage(),
  });
  for await (const batch of batches) {
    for (const event of batch) {
      const data = event.data.trim();
      let failed: unknown;
      if (event.event === 'error') {
        failed = data;
        try {
          failed = JSON.parse(data);
        } catch {}
      } else if (data.length === 0) {
        // Comments and keep-alives carry no data: forwarded as they came.
        relayed.add(event.raw, false);
        continue;
      } else if (data === '[DONE]') {
        relayed.add(event.raw, true);
        yield relayed.take()!;
        yield finish();
        return;
      } else {
        const chunk = parseStreamObject(provider, data, 'chunk');
        if (chunk === undefined) continue;
        const typed = chunk as OpenAIChatCompletionChunk;
        if (typed.error === undefined || typed.error === null) {
          const reading = readChunk(typed);
          if (reading.toolCalls) toolCalls = true;
          if (reading.finishReason !== undefined) finishReason ??= reading.finishReason;
          if (typed.usage) usage = convertOpenAIUsage(typed.usage);
          relayed.add(event.raw, reading.content);
          continue;
        }
        failed = typed;
      }
      const before = relayed.take();
      if (before !== undefined) yield before;
      yield { type: 'error', error: inBandOpenAIError(provider, failed), relayed: event.raw };
      return;
    }
    const rest = relayed.take();
    if (rest !== undefined) yield rest;
  }
  if (finishReason !== undefined) {
    yield { type: 'relay', data: openAIDone, content: true };
    yield finish();
  }
}
