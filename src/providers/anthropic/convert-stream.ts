// Anthropic SSE (docs/protocols/anthropic-messages.md §1.4) → canonical stream events.
// Blocks the canonical stream cannot carry (server_tool_use, web_search_tool_result, …) are skipped
// with all their deltas, and canonical indices stay dense: the canonical index of a block is the
// number of blocks emitted before it, so upstream index 2 may become canonical index 1.
import type { BlockStart, CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import { readSseEvents } from '../../transport/sse.js';
import type { AnthropicUsage } from './anthropic-api.js';
import { inBandAnthropicError } from './anthropic-error.js';
import { convertAnthropicUsage } from './convert-response.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';
import { parseStreamObject } from '../parse-stream-object.js';

type Fields = Record<string, unknown>;

interface OpenBlock {
  index: number;
  kind: BlockStart['type'];
}

/** Events whose data we read; any other named event (a future type) is skipped unread. */
const handledEvents = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'error',
]);

function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null ? (value as Fields) : {};
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Overwrites the counts a later usage object carries: Anthropic's counts are cumulative. */
function mergeUsage(current: Usage, update: AnthropicUsage): Usage {
  const next = convertAnthropicUsage(update);
  const merged: Usage = { ...current };
  if (typeof update.input_tokens === 'number') merged.inputTokens = next.inputTokens;
  if (typeof update.output_tokens === 'number') merged.outputTokens = next.outputTokens;
  if (typeof update.cache_read_input_tokens === 'number') merged.cacheReadTokens = next.cacheReadTokens;
  if (typeof update.cache_creation_input_tokens === 'number') merged.cacheWriteTokens = next.cacheWriteTokens;
  if (next.reasoningTokens !== undefined) merged.reasoningTokens = next.reasoningTokens;
  return merged;
}

/** The state of one stream: which upstream blocks map to which canonical index, usage, stop reason. */
export class AnthropicStreamConverter {
  /** Upstream index → the open canonical block, or null for a block that is being skipped. */
  private readonly blocks = new Map<number, OpenBlock | null>();
  private emittedBlocks = 0;
  private started = false;
  private usage: Usage = convertAnthropicUsage(undefined);
  private stopReason: string | undefined;
  private stopSequence: string | null = null;
  /** True after message_stop or an error event: nothing more is emitted. */
  done = false;

  /** The canonical events for one upstream event (often none, sometimes several). */
  convert(name: string, data: Fields): CanonicalStreamEvent[] {
    if (this.done) return [];
    switch (name) {
      case 'message_start':
        return this.messageStart(fieldsOf(data.message));
      case 'content_block_start':
        return this.blockStart(data.index, fieldsOf(data.content_block));
      case 'content_block_delta':
        return this.blockDelta(data.index, fieldsOf(data.delta));
      case 'content_block_stop':
        return this.blockStop(data.index);
      case 'message_delta': {
        const delta = fieldsOf(data.delta);
        if (typeof delta.stop_reason === 'string') this.stopReason = delta.stop_reason;
        if (typeof delta.stop_sequence === 'string') this.stopSequence = delta.stop_sequence;
        this.usage = mergeUsage(this.usage, fieldsOf(data.usage) as AnthropicUsage);
        return [];
      }
      case 'message_stop':
        return this.finish();
      case 'error':
        this.done = true;
        return [{ type: 'error', error: inBandAnthropicError(data) }];
      default:
        return [];
    }
  }

  private messageStart(message: Fields): CanonicalStreamEvent[] {
    // A second message_start would restart the message; the first one already told the client.
    if (this.started) return [];
    this.started = true;
    const usage = fieldsOf(message.usage) as AnthropicUsage;
    this.usage = mergeUsage(this.usage, usage);
    const event: Extract<CanonicalStreamEvent, { type: 'message-start' }> = {
      type: 'message-start',
      usage: {
        inputTokens: this.usage.inputTokens,
        cacheReadTokens: this.usage.cacheReadTokens,
        cacheWriteTokens: this.usage.cacheWriteTokens,
      },
    };
    if (typeof message.id === 'string') event.id = message.id;
    if (typeof message.model === 'string') event.upstreamModel = message.model;
    return [event];
  }

  private blockStart(upstreamIndex: unknown, block: Fields): CanonicalStreamEvent[] {
    if (typeof upstreamIndex !== 'number' || this.blocks.has(upstreamIndex)) return [];
    const start = this.blockStartOf(block);
    if (start === undefined) {
      this.blocks.set(upstreamIndex, null);
      return [];
    }
    const index = this.emittedBlocks++;
    this.blocks.set(upstreamIndex, { index, kind: start.type });
    const events: CanonicalStreamEvent[] = [{ type: 'block-start', index, block: start }];
    // Anthropic starts blocks empty; a clone that puts content in the start still loses none of it.
    if (start.type === 'text' && stringOf(block.text).length > 0)
      events.push({ type: 'text-delta', index, text: stringOf(block.text) });
    if (start.type === 'tool-call' && Object.keys(fieldsOf(block.input)).length > 0) {
      events.push({ type: 'tool-input-delta', index, partialJson: JSON.stringify(block.input) });
    }
    if (start.type === 'thinking') {
      if (stringOf(block.thinking).length > 0)
        events.push({ type: 'thinking-delta', index, text: stringOf(block.thinking) });
      if (stringOf(block.signature).length > 0)
        events.push({ type: 'signature-delta', index, signature: stringOf(block.signature) });
    }
    return events;
  }

  private blockStartOf(block: Fields): BlockStart | undefined {
    switch (block.type) {
      case 'text':
        return { type: 'text' };
      case 'tool_use':
        return { type: 'tool-call', id: stringOf(block.id), name: stringOf(block.name) };
      case 'thinking':
        return { type: 'thinking' };
      case 'redacted_thinking':
        return { type: 'redacted-thinking', data: stringOf(block.data) };
      default:
        return undefined;
    }
  }

  private blockDelta(upstreamIndex: unknown, delta: Fields): CanonicalStreamEvent[] {
    const block = typeof upstreamIndex === 'number' ? this.blocks.get(upstreamIndex) : undefined;
    if (block === undefined || block === null) return [];
    const { index, kind } = block;
    // A delta that does not fit its block's kind is dropped rather than sent to a writer that cannot place it.
    if (delta.type === 'text_delta' && kind === 'text')
      return nonEmpty(stringOf(delta.text), (text) => ({ type: 'text-delta', index, text }));
    if (delta.type === 'input_json_delta' && kind === 'tool-call') {
      // The first fragment is often "": nothing to send.
      return nonEmpty(stringOf(delta.partial_json), (partialJson) => ({
        type: 'tool-input-delta',
        index,
        partialJson,
      }));
    }
    if (delta.type === 'thinking_delta' && kind === 'thinking') {
      return nonEmpty(stringOf(delta.thinking), (text) => ({ type: 'thinking-delta', index, text }));
    }
    if (delta.type === 'signature_delta' && kind === 'thinking') {
      return nonEmpty(stringOf(delta.signature), (signature) => ({ type: 'signature-delta', index, signature }));
    }
    // citations_delta and future delta types have no canonical counterpart.
    return [];
  }

  private blockStop(upstreamIndex: unknown): CanonicalStreamEvent[] {
    if (typeof upstreamIndex !== 'number') return [];
    const block = this.blocks.get(upstreamIndex);
    if (block === undefined || block === null) return [];
    // Keep the entry (as skipped) so a repeated start or stop for this index is ignored.
    this.blocks.set(upstreamIndex, null);
    return [{ type: 'block-end', index: block.index }];
  }

  /**
   * At the end of the body: a message whose stop reason already arrived is complete without its
   * message_stop, and is finished for the client at once; one without a stop reason was cut.
   */
  endOfBody(): CanonicalStreamEvent[] {
    return !this.done && this.stopReason !== undefined ? this.finish() : [];
  }

  private finish(): CanonicalStreamEvent[] {
    this.done = true;
    const events: CanonicalStreamEvent[] = [];
    // A block left open upstream is closed here, so that `finish` never arrives with blocks open.
    const open = [...this.blocks.values()]
      .filter((block) => block !== null)
      .sort((left, right) => left.index - right.index);
    for (const block of open) events.push({ type: 'block-end', index: block.index });
    this.blocks.clear();
    const finish: Extract<CanonicalStreamEvent, { type: 'finish' }> = {
      type: 'finish',
      reason: mapAnthropicStopReason(this.stopReason),
      stopSequence: this.stopSequence,
      usage: { ...this.usage },
    };
    if (this.stopReason !== undefined) finish.rawReason = this.stopReason;
    events.push(finish);
    return events;
  }
}

function nonEmpty(value: string, event: (value: string) => CanonicalStreamEvent): CanonicalStreamEvent[] {
  return value.length === 0 ? [] : [event(value)];
}

/**
 * The adapter's parseStream. After message_stop the rest of the body is still read (and ignored) so
 * the connection can go back to the pool; after an `error` event reading stops at once.
 */
export async function* convertAnthropicStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<CanonicalStreamEvent> {
  const converter = new AnthropicStreamConverter();
  for await (const sse of readSseEvents(body)) {
    if (converter.done) continue;
    if (sse.event === 'ping') continue;
    if (sse.event !== undefined && !handledEvents.has(sse.event)) continue;
    const data = parseStreamObject('anthropic', sse.data);
    if (data === undefined) continue;
    // Anthropic always names events; a bare `data:` line still says what it is in its `type` field.
    const name = sse.event ?? stringOf(data.type);
    const events = converter.convert(name, data);
    yield* events;
    if (name === 'error') return;
  }
  yield* converter.endOfBody();
}
