// Canonical request → Chat Completions body (docs/protocols/ §2.1, §6.1), for OpenAI, Azure
// and compatible servers; where they differ is in dialect.ts.
import type { CanonicalRequest, CanonicalToolChoice, ResponseFormat } from '../../canonical/request.js';
import type { OpenAIChatRequest, OpenAIFunctionTool, OpenAIResponseFormat, OpenAIToolChoice } from './openai-api.js';
import { convertToOpenAIMessages } from './convert-messages.js';
import { dialectFeatures, type OpenAIDialect } from './dialect.js';
import { createToolNameMap, type ToolNameMap } from './tool-names.js';
import { forwardedText } from '../relay/edit-json-fields.js';

/** OpenAI rejects more than four stop strings; the first four are the ones the client listed first. */
const maximumStopSequences = 4;

/** Values reasoning_effort accepts; anything else (e.g. Anthropic's `max`) would be a 400. */
const reasoningEfforts = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

function toolChoiceToOpenAI(choice: CanonicalToolChoice, toolNames: ToolNameMap): OpenAIToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: toolNames.toWire(choice.name) } };
  }
}

function responseFormatToOpenAI(format: ResponseFormat): OpenAIResponseFormat {
  if (format.type === 'json_schema') {
    const jsonSchema: { name: string; schema?: Record<string, unknown>; strict?: boolean } = {
      name: format.name ?? 'response',
    };
    if (format.schema !== undefined) jsonSchema.schema = format.schema;
    if (format.strict !== undefined) jsonSchema.strict = format.strict;
    return { type: 'json_schema', json_schema: jsonSchema };
  }
  return { type: format.type };
}

function streamFields(stream: boolean): Pick<OpenAIChatRequest, 'stream' | 'stream_options'> {
  // Without include_usage a stream carries no token counts at all, whatever the client asked for.
  return stream ? { stream: true, stream_options: { include_usage: true } } : {};
}

/** Builds the body from the canonical request: the path for every client format and every dialect. */
export function convertToOpenAIRequest(
  request: CanonicalRequest,
  model: string,
  dialect: OpenAIDialect,
): OpenAIChatRequest {
  const features = dialectFeatures[dialect];
  const toolNames = createToolNameMap(request);
  const body: OpenAIChatRequest = { model, messages: convertToOpenAIMessages(request, toolNames) };

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map(
      (tool): OpenAIFunctionTool => ({
        type: 'function',
        function: {
          name: toolNames.toWire(tool.name),
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parameters: tool.inputSchema,
          ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
        },
      }),
    );
    // tool_choice and parallel_tool_calls without tools are a 400 on OpenAI.
    if (request.toolChoice) {
      body.tool_choice = toolChoiceToOpenAI(request.toolChoice, toolNames);
      if (request.toolChoice.type !== 'none' && request.toolChoice.disableParallel) body.parallel_tool_calls = false;
    }
  }

  if (request.maxTokens !== undefined) body[features.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stopSequences && request.stopSequences.length > 0) {
    body.stop = request.stopSequences.slice(0, maximumStopSequences);
  }
  if (request.responseFormat) body.response_format = responseFormatToOpenAI(request.responseFormat);
  if (features.sendsReasoningEffort && request.reasoningEffort && reasoningEfforts.has(request.reasoningEffort)) {
    body.reasoning_effort = request.reasoningEffort;
  }
  if (features.userField && request.userId) body[features.userField] = request.userId;
  return { ...body, ...streamFields(request.stream) };
}

/**
 * The zero-loss path: a Chat Completions client talking to a Chat Completions upstream keeps every
 * field, including the ones canonical does not model (logprobs, seed, n, penalties, metadata…).
 * Only `model` and the stream settings are ours: the request's stream flag decides, and a stream
 * always asks for usage so the gateway can account for it. Fields already as needed are left as the
 * client sent them (the text sent keeps their bytes).
 */
export function forwardOriginalOpenAIRequest(request: CanonicalRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request.original.body, model };
  if (request.stream) {
    const clientOptions = body.stream_options;
    const options = typeof clientOptions === 'object' && clientOptions !== null ? clientOptions : {};
    body.stream = true;
    if ((options as Record<string, unknown>).include_usage !== true)
      body.stream_options = { ...options, include_usage: true };
  } else {
    // stream_options without stream is a 400 on OpenAI.
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

/** Whether the zero-loss path applies: an original Chat Completions body this dialect may receive as it is. */
export function forwardsOriginalOpenAIBody(request: CanonicalRequest, dialect: OpenAIDialect): boolean {
  const original = request.original;
  return (
    original.format === 'openai-chat' &&
    dialectFeatures[dialect].forwardsOriginalOpenAIBody &&
    Array.isArray(original.body.messages)
  );
}

/**
 * Chooses the zero-loss path when it applies, the canonical conversion otherwise. An original body
 * without a `messages` array is not a Chat Completions request we could forward (a caller that
 * built the canonical request itself), so it goes through the canonical conversion.
 */
export function buildOpenAIBody(
  request: CanonicalRequest,
  model: string,
  dialect: OpenAIDialect,
): Record<string, unknown> | OpenAIChatRequest {
  if (forwardsOriginalOpenAIBody(request, dialect)) return forwardOriginalOpenAIRequest(request, model);
  return convertToOpenAIRequest(request, model, dialect);
}

/** The bytes of a Chat Completions body: the client's own text, edited (edit-json-fields.ts), when it was forwarded. */
export function openAIBodyText(request: CanonicalRequest, model: string, dialect: OpenAIDialect): string {
  if (forwardsOriginalOpenAIBody(request, dialect))
    return forwardedText(request.original, forwardOriginalOpenAIRequest(request, model));
  return JSON.stringify(convertToOpenAIRequest(request, model, dialect));
}
