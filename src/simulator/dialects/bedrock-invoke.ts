// Bedrock InvokeModel / InvokeModelWithResponseStream for Claude (docs/protocols/bedrock.md §3.5): the
// body is an Anthropic Messages body without `model` and `stream`, with anthropic_version
// "bedrock-2023-05-31"; the answer is an Anthropic message, or `chunk` events whose payload
// `{"bytes": base64}` holds one Anthropic stream event each, the last carrying Bedrock's
// invocation metrics.
import type { SimulatedReply, SimulatedRequest } from '../reply-generator.js';
import {
  anthropicMessageBody,
  anthropicMessageId,
  anthropicMessageStart,
  anthropicStreamEvents,
} from './anthropic-render.js';
import { anthropicSimulatedRequest, checkAnthropicBody } from './anthropic-request.js';
import { estimatedLatencyMs } from './bedrock-converse.js';
import { eventFrame, eventStreamHeaders, withBrokenChecksum } from './bedrock-event-stream.js';
import type { StreamFrame, WireAnswer } from './dialect.js';
import { isRecord } from '../../util/wire-values.js';
import { bedrockRefusalMessage, firstPartyOnlyPart } from './claude-platform-refusals.js';

export const bedrockAnthropicVersion = 'bedrock-2023-05-31';

function malformedInput(detail: string): { problem: string } {
  return { problem: `Malformed input request: ${detail}, please reformat your input and try again.` };
}

/** An InvokeModel body as the neutral request, or Bedrock's ValidationException message. */
export function parseInvokeRequest(
  value: unknown,
  invalid: boolean,
  model: string,
  stream: boolean,
): SimulatedRequest | { problem: string } {
  if (invalid || !isRecord(value))
    return { problem: 'Malformed input request, please reformat your input and try again.' };
  if (value.anthropic_version === undefined) return malformedInput('#: required key [anthropic_version] not found');
  if (value.anthropic_version !== bedrockAnthropicVersion) {
    return malformedInput(`#/anthropic_version: ${String(value.anthropic_version)} is not a valid enum value`);
  }
  // The model is the path's and streaming the operation's: Bedrock refuses both keys in the body.
  for (const key of ['model', 'stream']) {
    if (key in value) return malformedInput(`#: extraneous key [${key}] is not permitted`);
  }
  // Betas travel in the body here; a first-party-only one, or field, is refused before anything else.
  const refusal = firstPartyOnlyPart(value, value.anthropic_beta);
  if (refusal !== undefined) return { problem: bedrockRefusalMessage(refusal) };
  const checked = checkAnthropicBody(value, false, { requireModel: false, requireMaxTokens: true });
  if ('problem' in checked) return malformedInput(`#: ${checked.problem}`);
  return anthropicSimulatedRequest(checked, model, stream);
}

export function renderInvokeMessage(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  requestId: string,
): WireAnswer {
  return {
    type: 'json',
    status: 200,
    headers: {
      'content-type': 'application/json',
      'x-amzn-RequestId': requestId,
      'x-amzn-bedrock-input-token-count': String(reply.inputTokens),
      'x-amzn-bedrock-output-token-count': String(reply.outputTokens),
      'x-amzn-bedrock-invocation-latency': String(estimatedLatencyMs(reply.outputTokens)),
    },
    body: JSON.stringify(anthropicMessageBody(reply, model, sequence)),
    outputTokens: reply.outputTokens,
  };
}

function chunkFrame(event: Record<string, unknown>, tokens: number): StreamFrame {
  return eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') }, tokens);
}

const invokeStreamExtraHeaders = { 'x-amzn-bedrock-content-type': 'application/json' };

export function renderInvokeStream(
  reply: SimulatedReply,
  model: string,
  sequence: number,
  requestId: string,
): WireAnswer {
  const events = anthropicStreamEvents(reply, model, sequence, { ping: false });
  const frames = events.map(({ event, tokens }) => {
    if (event.type !== 'message_stop') return chunkFrame(event, tokens);
    const metrics = {
      inputTokenCount: reply.inputTokens,
      outputTokenCount: reply.outputTokens,
      invocationLatency: estimatedLatencyMs(reply.outputTokens),
      firstByteLatency: estimatedLatencyMs(0),
    };
    return chunkFrame({ ...event, 'amazon-bedrock-invocationMetrics': metrics }, tokens);
  });
  return { type: 'stream', headers: eventStreamHeaders(requestId, invokeStreamExtraHeaders), frames };
}

/** 200, then a valid message_start chunk and a chunk whose message CRC is wrong (or half a JSON message). */
export function renderInvokeMalformed(stream: boolean, model: string, sequence: number, requestId: string): WireAnswer {
  if (!stream) {
    const body = `{"id":"${anthropicMessageId(sequence)}","type":"message","role":"assistant","content":[{"type":"text","text":"cut sh`;
    return {
      type: 'json',
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId },
      body,
    };
  }
  const start = chunkFrame(anthropicMessageStart(sequence, model, { input_tokens: 1, output_tokens: 1 }), 0);
  const broken = withBrokenChecksum(
    chunkFrame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 0),
  );
  return { type: 'stream', headers: eventStreamHeaders(requestId, invokeStreamExtraHeaders), frames: [start, broken] };
}
