// A 2xx Chat Completions body → CanonicalResponse (docs/protocols/openai-chat.md §2.2). Read defensively:
// compatible servers vary content shapes, omit ids and usage, and some answer 200 with an error.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse, OutputBlock } from '../../canonical/response.js';
import { UpstreamError } from '../../canonical/errors.js';
import type { Random } from '../../util/random.js';
import type { OpenAIChatCompletion, OpenAIChoice, OpenAIResponseMessage } from './openai-api.js';
import { convertOpenAIUsage } from './convert-usage.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';
import { inBandOpenAIError } from './openai-error.js';
import { createToolNameMap, type ToolNameMap } from './tool-names.js';
import { parseToolArguments, syntheticToolCallId } from './tool-calls.js';
import { isRecord } from '../../util/wire-values.js';

export interface ConvertResponseContext {
  provider: string;
  random: Random;
}

function malformed(provider: string, detail: string): UpstreamError {
  return new UpstreamError({ kind: 'server', providerCode: 'malformed_response', message: `${provider}: ${detail}` });
}

function messageText(message: OpenAIResponseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function reasoningText(message: OpenAIResponseMessage): string {
  if (typeof message.reasoning_content === 'string') return message.reasoning_content;
  return typeof message.reasoning === 'string' ? message.reasoning : '';
}

function toolCallBlocks(message: OpenAIResponseMessage, toolNames: ToolNameMap, random: Random): OutputBlock[] {
  const blocks: OutputBlock[] = [];
  for (const call of message.tool_calls ?? []) {
    if (!call.function?.name) continue;
    blocks.push({
      type: 'tool-call',
      id: call.id || syntheticToolCallId(random),
      name: toolNames.fromWire(call.function.name),
      input: parseToolArguments(call.function.arguments),
    });
  }
  // The deprecated single function_call of older models and servers.
  if (blocks.length === 0 && message.function_call?.name) {
    blocks.push({
      type: 'tool-call',
      id: syntheticToolCallId(random),
      name: toolNames.fromWire(message.function_call.name),
      input: parseToolArguments(message.function_call.arguments),
    });
  }
  return blocks;
}

export function convertOpenAIResponse(
  body: unknown,
  request: CanonicalRequest,
  context: ConvertResponseContext,
): CanonicalResponse {
  if (!isRecord(body)) throw malformed(context.provider, 'response body is not a JSON object');
  if (body.error !== undefined && body.error !== null) throw inBandOpenAIError(context.provider, body);
  const completion = body as OpenAIChatCompletion;
  if (!Array.isArray(completion.choices) || completion.choices.length === 0) {
    throw malformed(context.provider, 'response has no choices');
  }
  // n > 1 cannot be represented canonically; the first choice is the answer.
  const choice: OpenAIChoice | undefined =
    completion.choices.find((candidate) => (candidate.index ?? 0) === 0) ?? completion.choices[0];
  const message = choice?.message;
  if (!isRecord(message)) throw malformed(context.provider, 'first choice has no message');

  const content: OutputBlock[] = [];
  const reasoning = reasoningText(message);
  // Other vendors' reasoning never gets a signature (docs/protocols/translation.md §6.5): it cannot be validated upstream.
  if (reasoning.length > 0) content.push({ type: 'thinking', text: reasoning });
  const text = messageText(message) || (typeof message.refusal === 'string' ? message.refusal : '');
  if (text.length > 0) content.push({ type: 'text', text });
  const toolCalls = toolCallBlocks(message, createToolNameMap(request), context.random);
  content.push(...toolCalls);

  const rawFinishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined;
  const response: CanonicalResponse = {
    content,
    finishReason: mapOpenAIFinishReason(rawFinishReason, toolCalls.length > 0),
    usage: convertOpenAIUsage(completion.usage),
  };
  if (completion.id) response.id = completion.id;
  if (completion.model) response.upstreamModel = completion.model;
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  return response;
}
