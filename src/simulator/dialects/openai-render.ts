// Renders a neutral reply as OpenAI Chat Completions (docs/protocols/ §2.2, §2.3, §9): the JSON
// completion and the chunk stream the openai SDK's stream helper accepts — a first chunk with
// `role`, content deltas, tool_calls deltas by index (id, type and name on the first fragment),
// a chunk with finish_reason, a usage chunk with `choices: []` when asked for, then `data: [DONE]`.
import type { SimulatedReply, SimulatedStopReason } from '../reply-generator.js';
import { streamHeaders, type StreamFrame, type WireAnswer } from './dialect.js';

const finishReasons: Record<SimulatedStopReason, string> = {
  'end-turn': 'stop',
  'stop-sequence': 'stop',
  'tool-use': 'tool_calls',
  'max-tokens': 'length',
};

export function openaiCompletionId(sequence: number): string {
  return `chatcmpl-sim${sequence.toString().padStart(8, '0')}`;
}

export function openaiRequestId(sequence: number): string {
  return `req_sim${sequence.toString().padStart(8, '0')}`;
}

function toolCallId(callKey: string): string {
  return `call_sim${callKey}`;
}

function usage(reply: SimulatedReply) {
  return {
    prompt_tokens: reply.inputTokens,
    completion_tokens: reply.outputTokens,
    total_tokens: reply.inputTokens + reply.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

interface ChunkContext {
  model: string;
  sequence: number;
  /** Seconds since the epoch, the same on every chunk. */
  created: number;
  includeUsage: boolean;
}

export interface OpenaiRenderInput extends ChunkContext {
  reply: SimulatedReply;
}

export function renderOpenaiCompletion(input: OpenaiRenderInput): WireAnswer {
  const { reply } = input;
  let content: string | null = null;
  const toolCalls: unknown[] = [];
  for (const block of reply.blocks) {
    if (block.type === 'text') content = (content ?? '') + block.text;
    else
      toolCalls.push({
        id: toolCallId(block.callKey),
        type: 'function',
        function: { name: block.name, arguments: block.argumentsJson },
      });
  }
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null, annotations: [] };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion = {
    id: openaiCompletionId(input.sequence),
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasons[reply.stopReason] }],
    usage: usage(reply),
    service_tier: 'default',
    system_fingerprint: null,
  };
  return {
    type: 'json',
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': openaiRequestId(input.sequence) },
    body: JSON.stringify(completion),
    outputTokens: reply.outputTokens,
  };
}

function chunkFactory(input: ChunkContext) {
  const id = openaiCompletionId(input.sequence);
  return (choices: unknown[], tokens = 0, usageValue?: unknown): StreamFrame => {
    const chunk: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created: input.created,
      model: input.model,
      service_tier: 'default',
      system_fingerprint: null,
      choices,
    };
    // With include_usage every chunk says usage: null, except the final one that carries it.
    if (input.includeUsage) chunk.usage = usageValue ?? null;
    return { data: `data: ${JSON.stringify(chunk)}\n\n`, tokens };
  };
}

function delta(value: Record<string, unknown>, finishReason: string | null = null) {
  return [{ index: 0, delta: value, logprobs: null, finish_reason: finishReason }];
}

export function renderOpenaiStream(input: OpenaiRenderInput): WireAnswer {
  const { reply } = input;
  const chunk = chunkFactory(input);
  const startsWithText = reply.blocks[0]?.type === 'text';
  const frames: StreamFrame[] = [
    chunk(delta({ role: 'assistant', content: startsWithText ? '' : null, refusal: null })),
  ];
  let toolIndex = 0;
  for (const block of reply.blocks) {
    if (block.type === 'text') {
      for (const piece of block.pieces) frames.push(chunk(delta({ content: piece }), 1));
      continue;
    }
    const index = toolIndex;
    toolIndex += 1;
    frames.push(
      chunk(
        delta({
          tool_calls: [
            { index, id: toolCallId(block.callKey), type: 'function', function: { name: block.name, arguments: '' } },
          ],
        }),
      ),
    );
    for (const piece of block.pieces)
      frames.push(chunk(delta({ tool_calls: [{ index, function: { arguments: piece } }] }), 1));
  }
  frames.push(chunk(delta({}, finishReasons[reply.stopReason])));
  if (input.includeUsage) frames.push(chunk([], 0, usage(reply)));
  frames.push({ data: 'data: [DONE]\n\n', tokens: 0 });
  return { type: 'stream', headers: { ...streamHeaders, 'x-request-id': openaiRequestId(input.sequence) }, frames };
}

/** A stream that starts well and then carries a data line that is not JSON. */
export function renderOpenaiMalformedStream(model: string, sequence: number, created: number): WireAnswer {
  const first = chunkFactory({ model, sequence, created, includeUsage: false })(
    delta({ role: 'assistant', content: '', refusal: null }),
  );
  const broken = {
    data: `data: {"id":"${openaiCompletionId(sequence)}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"cut sh\n\n`,
    tokens: 0,
  };
  return {
    type: 'stream',
    headers: { ...streamHeaders, 'x-request-id': openaiRequestId(sequence) },
    frames: [first, broken],
  };
}
