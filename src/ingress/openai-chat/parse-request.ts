// Parses and validates a POST /v1/chat/completions body into a CanonicalRequest
// (docs/protocols/ §2.1, §6.1). Anything invalid is a GatewayError 400 naming the field.
// Nothing here knows about HTTP frameworks: the server hands over the parsed JSON and headers.
import type { CanonicalRequest, CanonicalTool, CanonicalToolChoice, ResponseFormat } from '../../canonical/request.js';
import { convertMessages } from './convert-messages.js';
import { invalidRequest, invalidRequestFromZod } from './invalid-request.js';
import { openAIChatRequestSchema, type OpenAIChatRequestBody } from './request-schema.js';

export type RequestHeaders = Record<string, string | string[] | undefined>;

function convertTools(tools: OpenAIChatRequestBody['tools']): CanonicalTool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map(({ function: definition }) => {
    const tool: CanonicalTool = {
      name: definition.name,
      // OpenAI lets a tool without arguments omit `parameters`; every other provider wants a schema.
      inputSchema: definition.parameters ?? { type: 'object', properties: {} },
    };
    if (definition.description != null) tool.description = definition.description;
    if (definition.strict != null) tool.strict = definition.strict;
    return tool;
  });
}

function convertToolChoice(body: OpenAIChatRequestBody): CanonicalToolChoice | undefined {
  const disableParallel = body.parallel_tool_calls === false ? { disableParallel: true } : {};
  const choice = body.tool_choice;
  if (choice == null) {
    // parallel_tool_calls:false alone still has to reach the upstream, under the default choice.
    return body.parallel_tool_calls === false && body.tools && body.tools.length > 0
      ? { type: 'auto', disableParallel: true }
      : undefined;
  }
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  return { type: 'tool', name: choice.function.name, ...disableParallel };
}

function convertResponseFormat(format: OpenAIChatRequestBody['response_format']): ResponseFormat | undefined {
  if (!format) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const converted: ResponseFormat = { type: 'json_schema', name: format.json_schema.name };
  if (format.json_schema.schema != null) converted.schema = format.json_schema.schema;
  if (format.json_schema.strict != null) converted.strict = format.json_schema.strict;
  return converted;
}

function convertStop(stop: OpenAIChatRequestBody['stop']): string[] | undefined {
  if (stop == null) return undefined;
  const sequences = typeof stop === 'string' ? [stop] : stop;
  return sequences.length > 0 ? sequences : undefined;
}

/** `anthropic-beta` set by an OpenAI-format client is passed on to Claude upstreams unchanged. */
function anthropicBetaFlags(headers: RequestHeaders): string[] | undefined {
  const value = headers['anthropic-beta'];
  if (value === undefined) return undefined;
  const flags = (Array.isArray(value) ? value : [value])
    .flatMap((entry) => entry.split(','))
    .map((flag) => flag.trim())
    .filter((flag) => flag !== '');
  return flags.length > 0 ? flags : undefined;
}

/** Refusals that the schema cannot express: things Switchyard deliberately does not serve. */
function rejectUnsupported(body: OpenAIChatRequestBody, raw: Record<string, unknown>): void {
  if (body.n != null && body.n > 1) {
    throw invalidRequest(['n'], 'Switchyard serves one choice per request; n must be 1');
  }
  for (const legacy of ['functions', 'function_call'] as const) {
    if (raw[legacy] != null) {
      throw invalidRequest(
        [legacy],
        `the deprecated '${legacy}' parameter is not supported; use tools and tool_choice`,
      );
    }
  }
}

export function parseOpenAIChatRequest(body: unknown, headers: RequestHeaders): CanonicalRequest {
  const parsed = openAIChatRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, body);
  const request = parsed.data;
  // The schema only accepts objects, so the raw body is one.
  const raw = body as Record<string, unknown>;
  rejectUnsupported(request, raw);

  const { system, messages } = convertMessages(request.messages);
  const canonical: CanonicalRequest = {
    model: request.model,
    system,
    messages,
    stream: request.stream ?? false,
    original: { format: 'openai-chat', body: raw },
  };

  // max_completion_tokens is the current name; max_tokens is what the AI SDK and older clients send.
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) canonical.maxTokens = maxTokens;
  if (request.temperature != null) canonical.temperature = request.temperature;
  if (request.top_p != null) canonical.topP = request.top_p;
  const stopSequences = convertStop(request.stop);
  if (stopSequences) canonical.stopSequences = stopSequences;
  const tools = convertTools(request.tools);
  if (tools) canonical.tools = tools;
  const toolChoice = convertToolChoice(request);
  if (toolChoice) canonical.toolChoice = toolChoice;
  const responseFormat = convertResponseFormat(request.response_format);
  if (responseFormat) canonical.responseFormat = responseFormat;
  if (request.reasoning_effort != null) canonical.reasoningEffort = request.reasoning_effort;
  const userId = request.safety_identifier ?? request.user;
  if (userId != null) canonical.userId = userId;
  if (request.stream_options?.include_usage != null) canonical.includeUsage = request.stream_options.include_usage;
  const anthropicBeta = anthropicBetaFlags(headers);
  if (anthropicBeta) canonical.anthropicBeta = anthropicBeta;
  return canonical;
}
