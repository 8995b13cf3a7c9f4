// ConverseStream events (docs/protocols/ §3.3, §6.4) → canonical stream events. Text and
// reasoning blocks have no start event (they begin with their first delta); tool calls do. The stop
// reason arrives in messageStop and usage in the metadata event after it, so `finish` waits for both
// (or for the end of the body, when metadata never comes).
import type { CanonicalRequest } from '../../canonical/request.js';
import type { BlockStart, CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { Usage } from '../../canonical/usage.js';
import { createToolNameMap, type ToolNameMap } from '../openai/tool-names.js';
import type { ConverseUsage } from './bedrock-api.js';
import { convertConverseUsage, fieldsOf, stopSequenceOf, stringOf } from './convert-converse-response.js';
import { mapConverseStopReason } from './map-stop-reason.js';

type Fields = Record<string, unknown>;

interface OpenBlock {
  index: number;
  kind: BlockStart['type'];
}

export class ConverseStreamConverter {
  /** Upstream contentBlockIndex → the open canonical block, or null once closed or skipped. */
  private readonly blocks = new Map<number, OpenBlock | null>();
  private emittedBlocks = 0;
  private started = false;
  private stopped = false;
  private stopReason: string | undefined;
  private stopSequence: string | null = null;
  private usage: Usage | undefined;
  private readonly toolNames: ToolNameMap;
  /** True after `finish`: nothing more is emitted. */
  done = false;

  constructor(request: CanonicalRequest) {
    this.toolNames = createToolNameMap(request);
  }

  /** The canonical events for one upstream event (often none, sometimes several). */
  convert(eventType: string, payload: Fields): CanonicalStreamEvent[] {
    if (this.done) return [];
    switch (eventType) {
      case 'messageStart':
        return this.start();
      case 'contentBlockStart':
        return this.blockStart(payload.contentBlockIndex, fieldsOf(payload.start));
      case 'contentBlockDelta':
        return this.blockDelta(payload.contentBlockIndex, fieldsOf(payload.delta));
      case 'contentBlockStop':
        return this.blockStop(payload.contentBlockIndex);
      case 'messageStop':
        this.stopped = true;
        if (typeof payload.stopReason === 'string') this.stopReason = payload.stopReason;
        this.stopSequence = stopSequenceOf(payload.additionalModelResponseFields);
        return this.usage === undefined ? [] : this.finish();
      case 'metadata':
        this.usage = convertConverseUsage(fieldsOf(payload.usage) as ConverseUsage);
        return this.stopped ? this.finish() : [];
      default:
        // Future event types have no canonical counterpart.
        return [];
    }
  }

  /** At the end of the body: a stream that said messageStop but never sent metadata still finishes. */
  end(): CanonicalStreamEvent[] {
    return !this.done && this.stopped ? this.finish() : [];
  }

  private start(): CanonicalStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'message-start' }];
  }

  private open(upstreamIndex: number, block: BlockStart, events: CanonicalStreamEvent[]): number {
    events.push(...this.start());
    const index = this.emittedBlocks++;
    this.blocks.set(upstreamIndex, { index, kind: block.type });
    events.push({ type: 'block-start', index, block });
    return index;
  }

  private blockStart(upstreamIndex: unknown, start: Fields): CanonicalStreamEvent[] {
    if (typeof upstreamIndex !== 'number' || this.blocks.has(upstreamIndex)) return [];
    const events: CanonicalStreamEvent[] = [];
    if ('toolUse' in start) {
      const toolUse = fieldsOf(start.toolUse);
      const name = this.toolNames.fromWire(stringOf(toolUse.name));
      this.open(upstreamIndex, { type: 'tool-call', id: stringOf(toolUse.toolUseId), name }, events);
    } else {
      // toolResult / image starts (server-side tools, image output) have no canonical counterpart.
      this.blocks.set(upstreamIndex, null);
    }
    return events;
  }

  /** The block at this index, opened with `block` when it is the first delta of a text or reasoning block. */
  private blockFor(upstreamIndex: number, block: BlockStart, events: CanonicalStreamEvent[]): OpenBlock | undefined {
    const existing = this.blocks.get(upstreamIndex);
    if (existing === null) return undefined;
    if (existing !== undefined) return existing.kind === block.type ? existing : undefined;
    return { index: this.open(upstreamIndex, block, events), kind: block.type };
  }

  private blockDelta(upstreamIndex: unknown, delta: Fields): CanonicalStreamEvent[] {
    if (typeof upstreamIndex !== 'number') return [];
    const events: CanonicalStreamEvent[] = [];
    if (typeof delta.text === 'string') {
      if (delta.text.length === 0) return [];
      const block = this.blockFor(upstreamIndex, { type: 'text' }, events);
      if (block !== undefined) events.push({ type: 'text-delta', index: block.index, text: delta.text });
      return events;
    }
    if ('toolUse' in delta) {
      const block = this.blocks.get(upstreamIndex);
      const input = stringOf(fieldsOf(delta.toolUse).input);
      if (block?.kind === 'tool-call' && input.length > 0)
        events.push({ type: 'tool-input-delta', index: block.index, partialJson: input });
      return events;
    }
    if ('reasoningContent' in delta)
      return this.reasoningDelta(upstreamIndex, fieldsOf(delta.reasoningContent), events);
    // citation and future delta types have no canonical counterpart.
    return events;
  }

  private reasoningDelta(
    upstreamIndex: number,
    reasoning: Fields,
    events: CanonicalStreamEvent[],
  ): CanonicalStreamEvent[] {
    if (typeof reasoning.redactedContent === 'string') {
      if (!this.blocks.has(upstreamIndex))
        this.open(upstreamIndex, { type: 'redacted-thinking', data: reasoning.redactedContent }, events);
      return events;
    }
    const text = stringOf(reasoning.text);
    const signature = stringOf(reasoning.signature);
    if (text.length === 0 && signature.length === 0) return events;
    const block = this.blockFor(upstreamIndex, { type: 'thinking' }, events);
    if (block === undefined) return events;
    if (text.length > 0) events.push({ type: 'thinking-delta', index: block.index, text });
    // Bedrock only sends signatures for Claude, whose signatures are genuine.
    if (signature.length > 0) events.push({ type: 'signature-delta', index: block.index, signature });
    return events;
  }

  private blockStop(upstreamIndex: unknown): CanonicalStreamEvent[] {
    if (typeof upstreamIndex !== 'number') return [];
    const block = this.blocks.get(upstreamIndex);
    if (block === undefined || block === null) return [];
    this.blocks.set(upstreamIndex, null);
    return [{ type: 'block-end', index: block.index }];
  }

  private finish(): CanonicalStreamEvent[] {
    this.done = true;
    const events: CanonicalStreamEvent[] = [...this.start()];
    // A block left open upstream is closed here, so that `finish` never arrives with blocks open.
    const open = [...this.blocks.values()]
      .filter((block) => block !== null)
      .sort((left, right) => left.index - right.index);
    for (const block of open) events.push({ type: 'block-end', index: block.index });
    this.blocks.clear();
    const finish: Extract<CanonicalStreamEvent, { type: 'finish' }> = {
      type: 'finish',
      reason: mapConverseStopReason(this.stopReason),
      stopSequence: this.stopSequence,
      usage: this.usage ?? convertConverseUsage(undefined),
    };
    if (this.stopReason !== undefined) finish.rawReason = this.stopReason;
    events.push(finish);
    return events;
  }
}
