// Claude through InvokeModel / InvokeModelWithResponseStream (docs/protocols/bedrock.md §3.5): the body is
// the Anthropic Messages body (the client's own, forwarded, or one converted from canonical) minus
// `model` and `stream` and what Bedrock does not accept, plus `anthropic_version` and the betas as a
// body array. Answers are Anthropic
// Messages; stream `chunk` events each carry one Anthropic stream event, base64-encoded, which the
// Anthropic adapter's own converter reads.
import { publishSkippedEvent } from '../../observability/skipped-events.js';
import { parseStreamObject } from '../parse-stream-object.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { buildAnthropicBody } from '../anthropic/convert-request.js';
import { convertAnthropicResponse } from '../anthropic/convert-response.js';
import { AnthropicStreamConverter } from '../anthropic/convert-stream.js';
import { bedrockAnthropicVersion, type BedrockInvocationMetrics } from './bedrock-api.js';
import { fieldsOf } from './convert-converse-response.js';
import { type BridgedClaudeRequest, bridgeToClaudePlatform } from '../bridging/claude-platforms.js';

type Fields = Record<string, unknown>;

/** The InvokeModel body for this request (§3.5), bridged to what Bedrock accepts (bridging/claude-platforms.ts). */
export function buildInvokeModelBody(request: CanonicalRequest, modelId: string): BridgedClaudeRequest {
  const anthropic = buildAnthropicBody(request, modelId);
  const fromBody = Array.isArray(anthropic.anthropic_beta)
    ? anthropic.anthropic_beta.filter((beta): beta is string => typeof beta === 'string')
    : [];
  // The model is in the URL and streaming is the operation: those two are ours to drop, never reported.
  const bridged = bridgeToClaudePlatform(
    'bedrock',
    anthropic,
    [...fromBody, ...(request.anthropicBeta ?? [])],
    ['model', 'stream'],
  );
  bridged.body.anthropic_version = bedrockAnthropicVersion;
  if (bridged.betas.length > 0) bridged.body.anthropic_beta = bridged.betas;
  else delete bridged.body.anthropic_beta;
  return bridged;
}

/** A non-streaming InvokeModel answer is an Anthropic Message. */
export function convertInvokeModelResponse(body: unknown): CanonicalResponse {
  return convertAnthropicResponse(body);
}

/**
 * `{"bytes":"<base64>"}` → the Anthropic stream event it carries, or undefined (published as a
 * skipped event) when the chunk carries none: streams are lenient, the next chunk is read.
 */
export function decodeChunk(payload: Fields): Fields | undefined {
  if (typeof payload.bytes !== 'string') {
    publishSkippedEvent({ provider: 'bedrock', reason: 'chunk event without bytes' });
    return undefined;
  }
  return parseStreamObject('bedrock', Buffer.from(payload.bytes, 'base64').toString('utf8'), 'chunk bytes');
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The Anthropic conversion of the chunks, with Bedrock's invocation metrics as a usage fallback. */
export class InvokeStreamConverter {
  private readonly anthropic = new AnthropicStreamConverter();

  get done(): boolean {
    return this.anthropic.done;
  }

  /** A message whose stop reason arrived is complete even when the body ends without message_stop. */
  endOfBody(): CanonicalStreamEvent[] {
    return this.anthropic.endOfBody();
  }

  convert(chunkPayload: Fields): CanonicalStreamEvent[] {
    if (this.anthropic.done) return [];
    const event = decodeChunk(chunkPayload);
    if (event === undefined) return [];
    const type = typeof event.type === 'string' ? event.type : '';
    if (type === 'ping') return [];
    const events = this.anthropic.convert(type, event);
    if (type === 'message_stop')
      fillFromMetrics(events, fieldsOf(event['amazon-bedrock-invocationMetrics']) as BedrockInvocationMetrics);
    return events;
  }
}

/** Counts the Anthropic events left at zero are taken from the metrics, when Bedrock sent them. */
function fillFromMetrics(events: CanonicalStreamEvent[], metrics: BedrockInvocationMetrics): void {
  const finish = events.find((event) => event.type === 'finish');
  if (finish?.type !== 'finish') return;
  const usage = finish.usage;
  usage.inputTokens ||= count(metrics.inputTokenCount) ?? 0;
  usage.outputTokens ||= count(metrics.outputTokenCount) ?? 0;
  usage.cacheReadTokens ||= count(metrics.cacheReadInputTokenCount) ?? 0;
  usage.cacheWriteTokens ||= count(metrics.cacheWriteInputTokenCount) ?? 0;
}
