// Chat Completions SSE chunks → canonical stream events (docs/protocols/ §2.3, §5, §6.4).
// A small state machine: one canonical block open at a time (text, thinking or a tool call, in
// order of appearance, like Anthropic's), a record of tool calls by their upstream index, and the
// finish reason and usage held until the stream ends ([DONE], or body end after a finish_reason),
// because with include_usage the usage arrives in its own chunk after the finish_reason.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import { UpstreamError } from '../../canonical/errors.js';
import { emptyUsage } from '../../canonical/usage.js';
import { readSseEvents } from '../../transport/sse.js';
import type { Random } from '../../util/random.js';
import type { OpenAIChatCompletionChunk, OpenAIChunkChoice, OpenAIResponseToolCall } from './openai-api.js';
import { convertOpenAIUsage } from './convert-usage.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';
import { inBandOpenAIError } from './openai-error.js';
import { createToolNameMap, type ToolNameMap } from './tool-names.js';
import { syntheticToolCallId } from './tool-calls.js';
import { parseStreamObject } from '../parse-stream-object.js';
import { nonEmptyString } from '../../util/wire-values.js';

export interface ConvertStreamContext {
  provider: string;
  random: Random;
}

interface ToolCallState {
  /** The upstream's `index`; undefined for servers that leave it out. */
  wireIndex?: number;
  id: string;
  blockIndex: number;
  closed: boolean;
}

function malformedStream(provider: string, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    kind: 'server',
    providerCode: 'malformed_stream',
    message: `${provider}: ${detail}`,
    cause,
  });
}

class ChunkTranslator {
  private started = false;
  private nextBlockIndex = 0;
  private open: { index: number; kind: 'text' | 'thinking' | 'tool-call' } | undefined;
  private readonly toolCalls: ToolCallState[] = [];
  private finishReason: string | undefined;
  private usage: Usage | undefined;

  constructor(
    private readonly context: ConvertStreamContext,
    private readonly toolNames: ToolNameMap,
  ) {}

  get sawFinishReason(): boolean {
    return this.finishReason !== undefined;
  }

  accept(chunk: OpenAIChatCompletionChunk): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    // Azure's prompt-filter chunk (choices: [], empty id and model) says nothing about the answer
    // yet, so message-start waits for a chunk that carries the real id and model.
    if (!this.started && (nonEmptyString(chunk.id) || choices.length > 0 || chunk.usage)) {
      events.push(this.messageStart(chunk));
    }
    if (chunk.usage) this.usage = convertOpenAIUsage(chunk.usage);
    // n > 1 cannot be represented canonically; the stream carries choice 0.
    const choice: OpenAIChunkChoice | undefined = choices.find((candidate) => (candidate.index ?? 0) === 0);
    if (!choice) return events;
    const delta = choice.delta ?? {};
    const reasoning = nonEmptyString(delta.reasoning_content) ?? nonEmptyString(delta.reasoning);
    if (reasoning) this.appendText('thinking', reasoning, events);
    // A refusal is what the user gets to read instead of an answer, so it travels as text.
    const text = nonEmptyString(delta.content) ?? nonEmptyString(delta.refusal);
    if (text) this.appendText('text', text, events);
    if (Array.isArray(delta.tool_calls)) {
      for (const fragment of delta.tool_calls) this.appendToolFragment(fragment, events);
    }
    const finishReason = nonEmptyString(choice.finish_reason);
    if (finishReason && this.finishReason === undefined) this.finishReason = finishReason;
    return events;
  }

  /** Closes what is open and emits the one finish event. */
  finish(): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    if (!this.started) events.push(this.messageStart({}));
    this.closeOpen(events);
    events.push({
      type: 'finish',
      reason: mapOpenAIFinishReason(this.finishReason, this.toolCalls.length > 0),
      ...(this.finishReason !== undefined ? { rawReason: this.finishReason } : {}),
      usage: this.usage ?? emptyUsage(),
    });
    return events;
  }

  private messageStart(chunk: OpenAIChatCompletionChunk): CanonicalStreamEvent {
    this.started = true;
    const event: CanonicalStreamEvent & { type: 'message-start' } = { type: 'message-start' };
    const id = nonEmptyString(chunk.id);
    const model = nonEmptyString(chunk.model);
    if (id) event.id = id;
    if (model) event.upstreamModel = model;
    return event;
  }

  private closeOpen(events: CanonicalStreamEvent[]): void {
    if (!this.open) return;
    events.push({ type: 'block-end', index: this.open.index });
    if (this.open.kind === 'tool-call') {
      const index = this.open.index;
      const call = this.toolCalls.find((candidate) => candidate.blockIndex === index);
      if (call) call.closed = true;
    }
    this.open = undefined;
  }

  private appendText(kind: 'text' | 'thinking', text: string, events: CanonicalStreamEvent[]): void {
    if (this.open?.kind !== kind) {
      this.closeOpen(events);
      this.open = { index: this.nextBlockIndex++, kind };
      events.push({ type: 'block-start', index: this.open.index, block: { type: kind } });
    }
    const index = this.open.index;
    events.push(kind === 'text' ? { type: 'text-delta', index, text } : { type: 'thinking-delta', index, text });
  }

  /**
   * Which call a fragment continues. OpenAI sends `index` on every fragment and id + name on the
   * first. Compatible servers may leave out `index` (then a fragment with a new id or a name starts
   * the next call and bare argument pieces continue the last one) or reuse index 0 for every whole
   * call (then a different id with a name starts a new call).
   */
  private callFor(fragment: OpenAIResponseToolCall): ToolCallState | undefined {
    const id = nonEmptyString(fragment.id);
    const name = nonEmptyString(fragment.function?.name);
    if (typeof fragment.index === 'number') {
      const latest = this.toolCalls.findLast((call) => call.wireIndex === fragment.index);
      if (latest && !(id && name && id !== latest.id)) return latest;
      return undefined;
    }
    if (id) {
      const same = this.toolCalls.find((call) => call.id === id);
      if (same) return same;
    }
    if (id || name) return undefined;
    return this.toolCalls.at(-1);
  }

  private appendToolFragment(fragment: OpenAIResponseToolCall, events: CanonicalStreamEvent[]): void {
    if (typeof fragment !== 'object' || fragment === null) return;
    const argumentsText = nonEmptyString(fragment.function?.arguments);
    let call = this.callFor(fragment);
    if (!call) {
      this.closeOpen(events);
      call = {
        wireIndex: typeof fragment.index === 'number' ? fragment.index : undefined,
        id: nonEmptyString(fragment.id) ?? syntheticToolCallId(this.context.random),
        blockIndex: this.nextBlockIndex++,
        closed: false,
      };
      this.toolCalls.push(call);
      this.open = { index: call.blockIndex, kind: 'tool-call' };
      // A name that only arrives in a later fragment is not waited for: OpenAI always sends it first.
      const name = this.toolNames.fromWire(fragment.function?.name ?? '');
      events.push({ type: 'block-start', index: call.blockIndex, block: { type: 'tool-call', id: call.id, name } });
    } else if (call.closed) {
      // Interleaved calls cannot be carried with one block open at a time; losing arguments
      // silently would run a tool with the wrong input, so the stream fails instead.
      if (argumentsText)
        throw malformedStream(this.context.provider, `arguments for tool call ${call.id} after it ended`);
      return;
    }
    if (argumentsText) events.push({ type: 'tool-input-delta', index: call.blockIndex, partialJson: argumentsText });
  }
}

function parseErrorData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export async function* convertOpenAIStream(
  body: AsyncIterable<Uint8Array>,
  request: CanonicalRequest,
  context: ConvertStreamContext,
): AsyncGenerator<CanonicalStreamEvent> {
  const translator = new ChunkTranslator(context, createToolNameMap(request));
  for await (const message of readSseEvents(body)) {
    if (message.event === 'error') {
      yield { type: 'error', error: inBandOpenAIError(context.provider, parseErrorData(message.data)) };
      return;
    }
    const data = message.data.trim();
    if (data.length === 0) continue;
    if (data === '[DONE]') {
      yield* translator.finish();
      return;
    }
    const chunk = parseStreamObject(context.provider, data, 'chunk');
    if (chunk === undefined) continue;
    const typed = chunk as OpenAIChatCompletionChunk;
    if (typed.error !== undefined && typed.error !== null) {
      yield { type: 'error', error: inBandOpenAIError(context.provider, typed) };
      return;
    }
    yield* translator.accept(typed);
  }
  // Without [DONE] a stream that reported its finish_reason still finished; one that did not was
  // cut, and ending without a finish event lets the caller report it as interrupted.
  if (translator.sawFinishReason) yield* translator.finish();
}
