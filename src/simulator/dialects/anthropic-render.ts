// Renders a neutral reply as Anthropic Messages: the JSON message and the exact SSE sequence the
// official SDK's MessageStream accepts (docs/protocols/ §1.3, §1.4, §9): message_start,
// content_block_start / ping / deltas / content_block_stop per block, message_delta with cumulative
// usage, message_stop. Every event has its `event:` line and repeats its name in `type`.
import type { SimulatedReply, SimulatedStopReason } from '../reply-generator.js';
import { streamHeaders, type StreamFrame, type WireAnswer } from './dialect.js';

const stopReasons: Record<SimulatedStopReason, string> = {
  'end-turn': 'end_turn',
  'tool-use': 'tool_use',
  'max-tokens': 'max_tokens',
  'stop-sequence': 'stop_sequence',
};

export function anthropicMessageId(sequence: number): string {
  return `msg_sim_${sequence.toString().padStart(8, '0')}`;
}

/** The stream's first event: the message with no content yet, and the usage known so far. */
export function anthropicMessageStart(sequence: number, model: string, usage: Record<string, unknown>) {
  return {
    type: 'message_start' as const,
    message: {
      id: anthropicMessageId(sequence),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  };
}

export function anthropicRequestId(sequence: number): string {
  return `req_sim_${sequence.toString().padStart(8, '0')}`;
}

function toolUseId(callKey: string): string {
  return `toolu_sim_${callKey}`;
}

/**
 * What the first-party API adds beside the reply (the Bedrock and Vertex renderings leave it out):
 * top-level fields of the message and of `message_delta` (`context_management`), and usage fields
 * (`cache_creation`, `service_tier`).
 */
export interface AnthropicReplyExtras {
  messageFields?: Record<string, unknown>;
  usage?: Record<string, unknown>;
  /** Blocks the API puts before the model's reply (a compaction block). */
  leadingBlocks?: LeadingBlock[];
}

/** A block before the reply: its final JSON form, and how a stream opens and fills it. */
export interface LeadingBlock {
  block: Record<string, unknown>;
  streamStart: Record<string, unknown>;
  streamDeltas: Record<string, unknown>[];
}

function usage(reply: SimulatedReply, outputTokens: number, extras: AnthropicReplyExtras = {}) {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    ...extras.usage,
  };
}

function frame(event: string, data: unknown, tokens = 0): StreamFrame {
  return { data: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, tokens };
}

/** The Messages API message object for a reply (also the InvokeModel and rawPredict body). */
export function anthropicMessageBody(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  extras: AnthropicReplyExtras = {},
): Record<string, unknown> {
  const content = reply.blocks.map((block) =>
    block.type === 'text'
      ? { type: 'text', text: block.text }
      : { type: 'tool_use', id: toolUseId(block.callKey), name: block.name, input: block.input },
  );
  return {
    id: anthropicMessageId(sequence),
    type: 'message',
    role: 'assistant',
    model,
    content: [...(extras.leadingBlocks ?? []).map((leading) => leading.block), ...content],
    stop_reason: stopReasons[reply.stopReason],
    stop_sequence: reply.stopSequence,
    usage: usage(reply, reply.outputTokens, extras),
    ...extras.messageFields,
  };
}

export function renderAnthropicMessage(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  extras: AnthropicReplyExtras = {},
): WireAnswer {
  return {
    type: 'json',
    status: 200,
    headers: { 'content-type': 'application/json', 'request-id': anthropicRequestId(sequence) },
    body: JSON.stringify(anthropicMessageBody(reply, model, sequence, extras)),
    outputTokens: reply.outputTokens,
  };
}

/** One Messages stream event (its `type` is also its SSE event name), with the output tokens it carries. */
export interface AnthropicStreamEvent {
  event: { type: string } & Record<string, unknown>;
  tokens: number;
}

/**
 * The events of a Messages stream, in order. `ping` is the API's keep-alive; Bedrock's
 * InvokeModelWithResponseStream does not relay it, so its renderer asks for none.
 */
export function anthropicStreamEvents(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  options: { ping: boolean },
  extras: AnthropicReplyExtras = {},
): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [];
  const push = (event: AnthropicStreamEvent['event'], tokens = 0) => events.push({ event, tokens });
  // As the real API does: input counts up front, a token or so of output so far.
  push(anthropicMessageStart(sequence, model, usage(reply, 1, extras)));
  const leading = extras.leadingBlocks ?? [];
  leading.forEach((block, index) => {
    push({ type: 'content_block_start', index, content_block: block.streamStart });
    if (index === 0 && options.ping) push({ type: 'ping' });
    for (const delta of block.streamDeltas) push({ type: 'content_block_delta', index, delta });
    push({ type: 'content_block_stop', index });
  });
  reply.blocks.forEach((block, replyIndex) => {
    const index = replyIndex + leading.length;
    if (block.type === 'text') {
      push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      // The real API sends a ping early in the stream; clients must ignore it.
      if (index === 0 && options.ping) push({ type: 'ping' });
      for (const piece of block.pieces)
        push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 1);
    } else {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: toolUseId(block.callKey), name: block.name, input: {} },
      });
      if (index === 0 && options.ping) push({ type: 'ping' });
      // The first fragment of tool input is empty on the real API; parsers must cope with it.
      push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const piece of block.pieces)
        push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }, 1);
    }
    push({ type: 'content_block_stop', index });
  });
  push({
    type: 'message_delta',
    delta: { stop_reason: stopReasons[reply.stopReason], stop_sequence: reply.stopSequence },
    usage: usage(reply, reply.outputTokens, extras),
    ...extras.messageFields,
  });
  push({ type: 'message_stop' });
  return events;
}

export function renderAnthropicStream(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  extras: AnthropicReplyExtras = {},
): WireAnswer {
  return {
    type: 'stream',
    headers: { ...streamHeaders, 'request-id': anthropicRequestId(sequence) },
    frames: anthropicStreamEvents(reply, model, sequence, { ping: true }, extras).map(({ event, tokens }) =>
      frame(event.type, event, tokens),
    ),
  };
}

/** A stream that starts well and then carries a data line that is not JSON. */
export function renderAnthropicMalformedStream(model: string, sequence: number): WireAnswer {
  const start = frame('message_start', anthropicMessageStart(sequence, model, { input_tokens: 1, output_tokens: 1 }));
  const broken = {
    data: 'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"te\n\n',
    tokens: 0,
  };
  return {
    type: 'stream',
    headers: { ...streamHeaders, 'request-id': anthropicRequestId(sequence) },
    frames: [start, broken],
  };
}
