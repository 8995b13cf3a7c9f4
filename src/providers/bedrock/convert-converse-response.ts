// A Converse response (docs/protocols/bedrock.md §3.2) → CanonicalResponse, and Converse usage → Usage.
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse, OutputBlock } from '../../canonical/response.js';
import type { Usage } from '../../canonical/usage.js';
import { createToolNameMap, type ToolNameMap } from '../openai/tool-names.js';
import type { ConverseUsage } from './bedrock-api.js';
import { mapConverseStopReason } from './map-stop-reason.js';
import { isRecord } from '../../util/wire-values.js';

type Fields = Record<string, unknown>;

export function fieldsOf(value: unknown): Fields {
  return isRecord(value) ? value : {};
}

export function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Converse's inputTokens already excludes cache reads and writes, as Anthropic's does (§6.3). */
export function convertConverseUsage(usage: ConverseUsage | null | undefined): Usage {
  return {
    inputTokens: count(usage?.inputTokens) ?? 0,
    outputTokens: count(usage?.outputTokens) ?? 0,
    cacheReadTokens: count(usage?.cacheReadInputTokens) ?? 0,
    cacheWriteTokens: count(usage?.cacheWriteInputTokens) ?? 0,
  };
}

/** The matched stop sequence, when Claude's own response field was asked for (additionalModelResponseFieldPaths). */
export function stopSequenceOf(additionalFields: unknown): string | null {
  const value = fieldsOf(additionalFields).stop_sequence;
  return typeof value === 'string' ? value : null;
}

/**
 * One output block. Citations keep their text (it is the answer) and lose the citations; guard
 * content and media blocks have no canonical counterpart and are dropped.
 */
function convertOutputBlock(block: unknown, toolNames: ToolNameMap): OutputBlock | undefined {
  const fields = fieldsOf(block);
  if (typeof fields.text === 'string') return { type: 'text', text: fields.text };
  if ('toolUse' in fields) {
    const toolUse = fieldsOf(fields.toolUse);
    return {
      type: 'tool-call',
      id: stringOf(toolUse.toolUseId),
      name: toolNames.fromWire(stringOf(toolUse.name)),
      input: toolUse.input ?? {},
    };
  }
  if ('reasoningContent' in fields) {
    const reasoning = fieldsOf(fields.reasoningContent);
    if (typeof reasoning.redactedContent === 'string')
      return { type: 'redacted-thinking', data: reasoning.redactedContent };
    const reasoningText = fieldsOf(reasoning.reasoningText);
    const signature = stringOf(reasoningText.signature);
    return signature.length > 0
      ? { type: 'thinking', text: stringOf(reasoningText.text), signature }
      : { type: 'thinking', text: stringOf(reasoningText.text) };
  }
  if ('citationsContent' in fields) {
    const parts = fieldsOf(fields.citationsContent).content;
    const text = Array.isArray(parts) ? parts.map((part) => stringOf(fieldsOf(part).text)).join('') : '';
    return text.length > 0 ? { type: 'text', text } : undefined;
  }
  return undefined;
}

/** Throws UpstreamError (server, malformed_response) when the body is not a Converse response. */
export function convertConverseResponse(body: unknown, request: CanonicalRequest): CanonicalResponse {
  const message = fieldsOf(fieldsOf(fieldsOf(body).output).message);
  if (!Array.isArray(message.content)) {
    throw new UpstreamError({
      kind: 'server',
      providerCode: 'malformed_response',
      message: 'bedrock answered 2xx with a body that is not a Converse response (no output.message.content)',
    });
  }
  const fields = fieldsOf(body);
  const toolNames = createToolNameMap(request);
  const rawFinishReason = typeof fields.stopReason === 'string' ? fields.stopReason : undefined;
  const response: CanonicalResponse = {
    content: message.content
      .map((block) => convertOutputBlock(block, toolNames))
      .filter((block) => block !== undefined),
    finishReason: mapConverseStopReason(rawFinishReason),
    stopSequence: stopSequenceOf(fields.additionalModelResponseFields),
    usage: convertConverseUsage(fieldsOf(fields.usage) as ConverseUsage),
  };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  return response;
}
