// Canonical stream events → Anthropic SSE, in exactly the order the SDK's stream parser accepts
// (docs/protocols/ §1.4, §9): message_start first, block start/delta/stop with matching
// indices, message_delta, message_stop; always with `event:` lines; failures as `event: error`.
// Each event is one string and one sink.write; the hot deltas are built without intermediate objects.
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { BlockStart, CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import type { ClientStreamWriter, StreamSink } from '../client-stream-writer.js';
import { anthropicErrorTypeForUpstream } from './anthropic-error-type.js';
import { mapStopReason } from './map-stop-reason.js';
import { anthropicMessageId } from './message-id.js';
import { anthropicStreamErrorEvent, anthropicStreamErrorText } from './write-error.js';

type BlockKind = 'text' | 'tool_use' | 'thinking' | 'redacted_thinking';

interface OpenBlock {
  /** The Anthropic index: the SDK appends blocks in start order, so these run 0, 1, 2… without gaps. */
  index: number;
  kind: BlockKind;
}

const pingEvent = 'event: ping\ndata: {"type": "ping"}\n\n';
const messageStopEvent = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

export function createAnthropicStreamWriter(sink: StreamSink, clientModel: string): ClientStreamWriter {
  return new AnthropicStreamWriter(sink, clientModel);
}

class AnthropicStreamWriter implements ClientStreamWriter {
  #done = false;
  #started = false;
  /** Canonical index → its open block, or null once closed (late deltas for it are dropped). */
  readonly #blocks = new Map<number, OpenBlock | null>();
  #nextIndex = 0;
  /** Input counts announced in message_start; the final usage never reports less (counts are cumulative). */
  #inputTokens = 0;
  #cacheReadTokens = 0;
  #cacheWriteTokens = 0;

  constructor(
    private readonly sink: StreamSink,
    private readonly clientModel: string,
  ) {}

  get done(): boolean {
    return this.#done;
  }

  write(event: CanonicalStreamEvent): void {
    if (this.#done) return;
    switch (event.type) {
      case 'message-start':
        // A second message-start (e.g. a later attempt) would be a duplicate the SDK rejects.
        if (!this.#started) this.#writeMessageStart(event.id, event.usage);
        return;
      case 'block-start':
        this.#ensureStarted();
        this.#startBlock(event.index, event.block);
        return;
      case 'text-delta': {
        if (event.text === '') return;
        const block = this.#blockFor(event.index, 'text');
        if (block !== undefined)
          this.#writeDelta(block.index, `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
        return;
      }
      case 'thinking-delta': {
        if (event.text === '') return;
        const block = this.#blockFor(event.index, 'thinking');
        if (block !== undefined) {
          this.#writeDelta(block.index, `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
        }
        return;
      }
      case 'tool-input-delta': {
        const block = this.#blockFor(event.index, 'tool_use');
        if (block !== undefined) {
          this.#writeDelta(
            block.index,
            `{"type":"input_json_delta","partial_json":${JSON.stringify(event.partialJson)}}`,
          );
        }
        return;
      }
      case 'signature-delta': {
        const block = this.#blockFor(event.index, 'thinking', false);
        if (block !== undefined) {
          this.#writeDelta(block.index, `{"type":"signature_delta","signature":${JSON.stringify(event.signature)}}`);
        }
        return;
      }
      case 'block-end': {
        const block = this.#blocks.get(event.index);
        if (block) this.#stopBlock(event.index, block);
        return;
      }
      case 'finish':
        this.#finish(event.reason, event.stopSequence, event.usage);
        return;
      case 'error':
        this.#end(anthropicStreamErrorText(anthropicErrorTypeForUpstream(event.error), event.error.message));
        return;
    }
  }

  fail(error: GatewayError): void {
    if (this.#done) return;
    this.#end(anthropicStreamErrorEvent(error));
  }

  ping(): void {
    if (!this.#done) this.sink.write(pingEvent);
  }

  #ensureStarted(): void {
    if (!this.#started) this.#writeMessageStart(undefined, undefined);
  }

  #writeMessageStart(upstreamId: string | undefined, usage: Partial<Usage> | undefined): void {
    this.#started = true;
    this.#inputTokens = usage?.inputTokens ?? 0;
    this.#cacheReadTokens = usage?.cacheReadTokens ?? 0;
    this.#cacheWriteTokens = usage?.cacheWriteTokens ?? 0;
    const message = {
      id: anthropicMessageId(upstreamId),
      type: 'message',
      role: 'assistant',
      model: this.clientModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: this.#inputTokens,
        output_tokens: usage?.outputTokens ?? 0,
        cache_creation_input_tokens: this.#cacheWriteTokens,
        cache_read_input_tokens: this.#cacheReadTokens,
      },
    };
    this.sink.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message })}\n\n`);
  }

  #startBlock(canonicalIndex: number, start: BlockStart): void {
    const open = this.#blocks.get(canonicalIndex);
    if (open) this.#stopBlock(canonicalIndex, open);
    let contentBlock: string;
    let kind: BlockKind;
    switch (start.type) {
      case 'text':
        kind = 'text';
        contentBlock = '{"type":"text","text":""}';
        break;
      case 'thinking':
        kind = 'thinking';
        contentBlock = '{"type":"thinking","thinking":"","signature":""}';
        break;
      case 'tool-call':
        kind = 'tool_use';
        contentBlock = `{"type":"tool_use","id":${JSON.stringify(start.id)},"name":${JSON.stringify(start.name)},"input":{}}`;
        break;
      case 'redacted-thinking':
        kind = 'redacted_thinking';
        contentBlock = `{"type":"redacted_thinking","data":${JSON.stringify(start.data)}}`;
        break;
    }
    this.#openBlock(canonicalIndex, kind, contentBlock);
  }

  #openBlock(canonicalIndex: number, kind: BlockKind, contentBlock: string): OpenBlock {
    // Anthropic streams have one open block at a time: close any other before starting the next, so
    // the SDK's per-block text always equals what was written, in order.
    for (const [openIndex, open] of this.#blocks) if (open) this.#stopBlock(openIndex, open);
    const block: OpenBlock = { index: this.#nextIndex++, kind };
    this.#blocks.set(canonicalIndex, block);
    this.sink.write(
      `event: content_block_start\ndata: {"type":"content_block_start","index":${block.index},"content_block":${contentBlock}}\n\n`,
    );
    return block;
  }

  /**
   * The open block a delta belongs to. A text or thinking delta for an index never started opens
   * its block (a delta without a start leaves the SDK's text silently empty); a delta for a closed
   * block, of the wrong kind, a lone signature, or a tool delta without its id and name cannot be
   * placed and is dropped.
   */
  #blockFor(canonicalIndex: number, kind: BlockKind, openIfNew = true): OpenBlock | undefined {
    const block = this.#blocks.get(canonicalIndex);
    if (block) return block.kind === kind ? block : undefined;
    if (block === null || !openIfNew) return undefined;
    if (kind === 'text') {
      this.#ensureStarted();
      return this.#openBlock(canonicalIndex, 'text', '{"type":"text","text":""}');
    }
    if (kind === 'thinking') {
      this.#ensureStarted();
      return this.#openBlock(canonicalIndex, 'thinking', '{"type":"thinking","thinking":"","signature":""}');
    }
    return undefined;
  }

  #writeDelta(index: number, delta: string): void {
    this.sink.write(
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":${delta}}\n\n`,
    );
  }

  #stopBlock(canonicalIndex: number, block: OpenBlock): void {
    this.#blocks.set(canonicalIndex, null);
    this.sink.write(`event: content_block_stop\ndata: {"type":"content_block_stop","index":${block.index}}\n\n`);
  }

  #finish(reason: FinishReason, stopSequence: string | null | undefined, usage: Usage): void {
    this.#ensureStarted();
    for (const [canonicalIndex, block] of this.#blocks) if (block) this.#stopBlock(canonicalIndex, block);
    const stopReason = mapStopReason(reason);
    const delta = {
      type: 'message_delta',
      delta: {
        stop_reason: stopReason,
        stop_sequence: stopReason === 'stop_sequence' ? (stopSequence ?? null) : null,
      },
      usage: {
        input_tokens: Math.max(usage.inputTokens, this.#inputTokens),
        output_tokens: usage.outputTokens,
        cache_creation_input_tokens: Math.max(usage.cacheWriteTokens, this.#cacheWriteTokens),
        cache_read_input_tokens: Math.max(usage.cacheReadTokens, this.#cacheReadTokens),
      },
    };
    this.sink.write(`event: message_delta\ndata: ${JSON.stringify(delta)}\n\n`);
    this.#end(messageStopEvent);
  }

  /** Writes the last event and ends the sink; nothing is written after this. */
  #end(lastEvent: string): void {
    this.#done = true;
    this.sink.write(lastEvent);
    this.sink.end();
  }
}
