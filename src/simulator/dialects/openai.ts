// The OpenAI Chat Completions dialect (docs/protocols/openai-chat.md §2): POST /v1/chat/completions (JSON
// and SSE) and GET /v1/models[/<id>], with the API's own checks (Authorization: Bearer, model,
// messages) and its error body `{"error":{message,type,param,code}}`.
import { checkOpenaiLimits } from './openai-limits.js';
import { openaiRateLimitHeaders } from './rate-limit-headers.js';
import type { IncomingHttpHeaders } from 'node:http';
import {
  estimateTokens,
  generateReply,
  type LastTurn,
  type SimulatedRequest,
  type SimulatedTool,
  type SimulatedToolChoice,
} from '../reply-generator.js';
import {
  bearerToken,
  jsonAnswer,
  type Acceptance,
  type Dialect,
  type DialectOperation,
  type ErrorAnswerOptions,
  type ExchangeContext,
  type JsonAnswer,
  type StreamFrame,
  type WireAnswer,
} from './dialect.js';
import {
  openaiCompletionId,
  openaiRequestId,
  renderOpenaiCompletion,
  renderOpenaiMalformedStream,
  renderOpenaiStream,
} from './openai-render.js';
import { isRecord } from '../../util/wire-values.js';

interface OpenaiErrorShape {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

const errorShapes: Record<number, Omit<OpenaiErrorShape, 'param'>> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: {
    message: 'Country, region, or territory not supported',
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null },
};

const defaultRetryAfterSeconds = 1;

export function openaiError(
  status: number,
  overrides: Partial<OpenaiErrorShape>,
  sequence: number,
  extraHeaders: Record<string, string> = {},
): JsonAnswer {
  const known = errorShapes[status] ?? (status >= 500 ? errorShapes[500]! : errorShapes[400]!);
  const error: OpenaiErrorShape = {
    message: known.message,
    type: known.type,
    param: null,
    code: known.code,
    ...overrides,
  };
  return jsonAnswer(status, { 'x-request-id': openaiRequestId(sequence), ...extraHeaders }, { error });
}

function checkAuth(headers: IncomingHttpHeaders, sequence: number): JsonAnswer | undefined {
  if (bearerToken(headers) !== undefined) return undefined;
  // Azure OpenAI takes its key in `api-key` (or an Entra bearer token).
  if (typeof headers['api-key'] === 'string' && headers['api-key'].length > 0) return undefined;
  return openaiError(
    401,
    {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      code: null,
    },
    sequence,
  );
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

function inputCharacters(body: Record<string, unknown>, messages: unknown[]): number {
  let characters = 0;
  for (const message of messages) {
    if (!isRecord(message)) continue;
    characters += textOf(message.content).length;
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string') {
          characters += call.function.arguments.length;
        }
      }
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) characters += JSON.stringify(body.tools).length;
  return characters;
}

function toolNameFor(messages: unknown[], before: number, toolCallId: unknown): string | undefined {
  for (let index = before - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (!isRecord(message) || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls) {
      if (
        isRecord(call) &&
        call.id === toolCallId &&
        isRecord(call.function) &&
        typeof call.function.name === 'string'
      ) {
        return call.function.name;
      }
    }
  }
  return undefined;
}

function lastTurnOf(messages: unknown[]): LastTurn {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (!isRecord(message) || message.role === 'system' || message.role === 'developer') continue;
    if (message.role === 'user') return { kind: 'user-text', text: textOf(message.content) };
    if (message.role === 'tool') {
      return {
        kind: 'tool-result',
        toolName: toolNameFor(messages, index, message.tool_call_id),
        text: textOf(message.content),
      };
    }
    return { kind: 'other' };
  }
  return { kind: 'other' };
}

function toolsOf(body: Record<string, unknown>): SimulatedTool[] {
  if (!Array.isArray(body.tools)) return [];
  const tools: SimulatedTool[] = [];
  for (const tool of body.tools) {
    if (
      isRecord(tool) &&
      tool.type === 'function' &&
      isRecord(tool.function) &&
      typeof tool.function.name === 'string'
    ) {
      tools.push({ name: tool.function.name, inputSchema: tool.function.parameters });
    }
  }
  return tools;
}

function toolChoiceOf(body: Record<string, unknown>): SimulatedToolChoice {
  const choice = body.tool_choice;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return { type: 'tool', name: choice.function.name };
  }
  return { type: 'auto' };
}

function stopSequencesOf(stop: unknown): string[] {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((entry): entry is string => typeof entry === 'string');
  return [];
}

function maxTokensOf(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

const chatCompletionsOperation: DialectOperation = {
  accept(input): Acceptance {
    const sequence = input.context.sequence;
    const refusal = checkAuth(input.headers, sequence);
    if (refusal) return { accepted: false, answer: refusal };
    if (input.bodyInvalid || !isRecord(input.body)) {
      const message =
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)";
      return { accepted: false, answer: openaiError(400, { message }, sequence) };
    }
    const body = input.body;
    // Azure's dated API names the deployment in the path, not in the body.
    if (input.pathRest.length > 0 && typeof body.model !== 'string') body.model = decodeURIComponent(input.pathRest);
    if (typeof body.model !== 'string' || body.model.length === 0) {
      return { accepted: false, answer: openaiError(400, { message: 'you must provide a model parameter' }, sequence) };
    }
    if (!Array.isArray(body.messages)) {
      const message = "Missing required parameter: 'messages'.";
      return {
        accepted: false,
        answer: openaiError(400, { message, param: 'messages', code: 'missing_required_parameter' }, sequence),
      };
    }
    if (body.messages.length === 0) {
      const message =
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
      return {
        accepted: false,
        answer: openaiError(400, { message, param: 'messages', code: 'empty_array' }, sequence),
      };
    }
    const limited = checkOpenaiLimits(body, body.model);
    if (limited !== undefined) return { accepted: false, answer: openaiError(400, limited, sequence) };
    const messages = body.messages;
    const request: SimulatedRequest = {
      model: body.model,
      stream: body.stream === true,
      maxTokens: maxTokensOf(body),
      stopSequences: stopSequencesOf(body.stop),
      tools: toolsOf(body),
      toolChoice: toolChoiceOf(body),
      lastTurn: lastTurnOf(messages),
      inputTokens: estimateTokens(inputCharacters(body, messages)),
    };
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const created = Math.floor(input.context.nowMs / 1000);
    return {
      accepted: true,
      stream: request.stream,
      model: request.model,
      answer: () => {
        const replyTokens = input.context.replyTokens;
        const reply = generateReply(replyTokens === undefined ? request : { ...request, minimumTokens: replyTokens });
        const renderInput = { reply, model: request.model, sequence, created, includeUsage };
        const answer = request.stream ? renderOpenaiStream(renderInput) : renderOpenaiCompletion(renderInput);
        return { ...answer, headers: { ...answer.headers, ...openaiRateLimitHeaders(input.context) } };
      },
    };
  },
};

const listedModels = ['gpt-5', 'gpt-5-mini', 'gpt-4.1', 'gpt-4o-mini'];

function modelEntry(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

const modelsOperation: DialectOperation = {
  accept(input): Acceptance {
    const refusal = checkAuth(input.headers, input.context.sequence);
    if (refusal) return { accepted: false, answer: refusal };
    const headers = { 'x-request-id': openaiRequestId(input.context.sequence) };
    // Every model id exists on a simulated upstream, so `GET /v1/models/<id>` always answers.
    const model = decodeURIComponent(input.pathRest);
    const body = model.length > 0 ? modelEntry(model) : { object: 'list', data: listedModels.map(modelEntry) };
    return { accepted: true, stream: false, model, answer: () => jsonAnswer(200, headers, body) };
  },
};

export const openaiDialect: Dialect = {
  name: 'openai',

  operation(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions')
      return { operation: chatCompletionsOperation, pathRest: '' };
    // Azure OpenAI: the v1 API, and the dated API with the deployment in the path (api-version in the query).
    if (method === 'POST' && path === '/openai/v1/chat/completions')
      return { operation: chatCompletionsOperation, pathRest: '' };
    const azureDeployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
    if (method === 'POST' && azureDeployment)
      return { operation: chatCompletionsOperation, pathRest: azureDeployment[1]! };
    if (method === 'GET' && path === '/v1/models') return { operation: modelsOperation, pathRest: '' };
    if (method === 'GET' && path.startsWith('/v1/models/'))
      return { operation: modelsOperation, pathRest: path.slice('/v1/models/'.length) };
    return undefined;
  },

  errorAnswer(options: ErrorAnswerOptions, context: ExchangeContext): JsonAnswer {
    const retryAfter = options.retryAfterSeconds ?? (options.status === 429 ? defaultRetryAfterSeconds : undefined);
    const headers: Record<string, string> = {
      ...openaiRateLimitHeaders(context, options.status === 429),
      ...(retryAfter === undefined
        ? {}
        : { 'retry-after': String(retryAfter), 'retry-after-ms': String(Math.round(retryAfter * 1000)) }),
    };
    return openaiError(
      options.status,
      options.message === undefined ? {} : { message: options.message },
      context.sequence,
      headers,
    );
  },

  streamErrorFrame(options: ErrorAnswerOptions, context: ExchangeContext): StreamFrame {
    // openai-node throws APIError on a data payload with an `error` key.
    const body = openaiError(
      options.status,
      options.message === undefined ? {} : { message: options.message },
      context.sequence,
    ).body;
    return { data: `data: ${body}\n\n`, tokens: 0 };
  },

  garbledEventFrame(): StreamFrame {
    return {
      data: 'data: {"id":"chatcmpl-sim","object":"chat.completion.chunk","choices":[{"delta":{"cont\n\n',
      tokens: 0,
    };
  },

  malformedAnswer(stream: boolean, model: string, context: ExchangeContext): WireAnswer {
    const created = Math.floor(context.nowMs / 1000);
    if (stream) return renderOpenaiMalformedStream(model, context.sequence, created);
    const body = `{"id":"${openaiCompletionId(context.sequence)}","object":"chat.completion","created":${created},"choices":[{"index":0,"message":{"role":"assistant","content":"cut sh`;
    return {
      type: 'json',
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': openaiRequestId(context.sequence) },
      body,
    };
  },
};
