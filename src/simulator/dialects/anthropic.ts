// The Anthropic Messages dialect (docs/protocols/anthropic-messages.md §1): POST /v1/messages (JSON and SSE),
// POST /v1/messages/count_tokens and GET /v1/models[/<id>], with the API's own checks (a key in
// x-api-key or Authorization: Bearer, an anthropic-version header, model / max_tokens / messages)
// and its error body `{"type":"error","error":{type,message},"request_id"}`. Answers carry the API's
// rate-limit headers, usage's cache_creation split and service_tier, context_management when asked
// for, and server-side web search with citations when a request offers it and asks for a search.
import type { IncomingHttpHeaders } from 'node:http';
import { generateReply, type SimulatedRequest } from '../reply-generator.js';
import { firstPartyExtras } from './anthropic-extras.js';
import {
  type WebSearchReply,
  webSearchMessageBody,
  webSearchReply,
  webSearchStreamEvents,
} from './anthropic-web-search.js';
import { anthropicRateLimitHeaders } from './rate-limit-headers.js';
import {
  anthropicInputTokens,
  anthropicSimulatedRequest,
  checkAnthropicBody,
  type CheckedAnthropicBody,
} from './anthropic-request.js';
import {
  bearerToken,
  jsonAnswer,
  streamHeaders,
  type Acceptance,
  type Dialect,
  type DialectOperation,
  type ErrorAnswerOptions,
  type ExchangeContext,
  type OperationInput,
  type JsonAnswer,
  type StreamFrame,
  type WireAnswer,
} from './dialect.js';
import {
  anthropicMessageId,
  anthropicRequestId,
  renderAnthropicMalformedStream,
  renderAnthropicMessage,
  renderAnthropicStream,
} from './anthropic-render.js';

const errorTypes: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  402: { type: 'billing_error', message: 'Your credit balance is too low to access the Anthropic API.' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'Not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  503: { type: 'api_error', message: 'Service unavailable' },
  504: { type: 'timeout_error', message: 'Request timed out' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

const defaultRetryAfterSeconds = 1;

export function anthropicError(
  status: number,
  message: string | undefined,
  sequence: number,
  extraHeaders: Record<string, string> = {},
): JsonAnswer {
  const known = errorTypes[status] ?? (status >= 500 ? errorTypes[500]! : errorTypes[400]!);
  const requestId = anthropicRequestId(sequence);
  return jsonAnswer(
    status,
    { 'request-id': requestId, ...extraHeaders },
    {
      type: 'error',
      error: { type: known.type, message: message ?? known.message },
      request_id: requestId,
    },
  );
}

/** Refuses requests the real API would refuse before looking at the body. */
function checkHeaders(headers: IncomingHttpHeaders, sequence: number): JsonAnswer | undefined {
  const apiKey = headers['x-api-key'];
  if ((typeof apiKey !== 'string' || apiKey.length === 0) && bearerToken(headers) === undefined) {
    return anthropicError(401, 'x-api-key header is required', sequence);
  }
  if (typeof headers['anthropic-version'] !== 'string' || headers['anthropic-version'].length === 0) {
    return anthropicError(400, 'anthropic-version: header is required', sequence);
  }
  return undefined;
}

/** Checks the headers and the fields both messages and count_tokens require; answers the API's own 400 otherwise. */
function checkBody(input: OperationInput, requireMaxTokens: boolean): CheckedAnthropicBody | JsonAnswer {
  const sequence = input.context.sequence;
  const refusal = checkHeaders(input.headers, sequence);
  if (refusal) return refusal;
  const checked = checkAnthropicBody(input.body, input.bodyInvalid, { requireModel: true, requireMaxTokens });
  return 'problem' in checked ? anthropicError(400, checked.problem, sequence) : checked;
}

const messagesOperation: DialectOperation = {
  accept(input): Acceptance {
    const checked = checkBody(input, true);
    if ('type' in checked) return { accepted: false, answer: checked };
    const body = checked.body;
    const request = anthropicSimulatedRequest(checked, body.model as string, body.stream === true);
    const context = input.context;
    const sequence = context.sequence;
    return {
      accepted: true,
      stream: request.stream,
      model: request.model,
      answer: () => {
        const rateLimits = anthropicRateLimitHeaders(context);
        const search = webSearchReply(body, request);
        if (search !== undefined) return withHeaders(renderWebSearch(search, request, sequence), rateLimits);
        const replyTokens = input.context.replyTokens;
        const reply = generateReply(replyTokens === undefined ? request : { ...request, minimumTokens: replyTokens });
        const betas = String(input.headers['anthropic-beta'] ?? '')
          .split(',')
          .map((beta) => beta.trim());
        const extras = firstPartyExtras(body, checked.messages, betas, reply);
        return withHeaders(
          request.stream
            ? renderAnthropicStream(reply, request.model, sequence, extras)
            : renderAnthropicMessage(reply, request.model, sequence, extras),
          rateLimits,
        );
      },
    };
  },
};

function renderWebSearch(search: WebSearchReply, request: SimulatedRequest, sequence: number): WireAnswer {
  const headers = { 'request-id': anthropicRequestId(sequence) };
  if (!request.stream) {
    const body = webSearchMessageBody(search, request.model, sequence);
    return { ...jsonAnswer(200, headers, body), outputTokens: search.outputTokens };
  }
  const frames = webSearchStreamEvents(search, request.model, sequence).map((event) => ({
    data: `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
    tokens: event.type === 'content_block_delta' ? 1 : 0,
  }));
  return { type: 'stream', headers: { ...streamHeaders, ...headers }, frames };
}

function withHeaders(answer: WireAnswer, headers: Record<string, string>): WireAnswer {
  return { ...answer, headers: { ...answer.headers, ...headers } };
}

const countTokensOperation: DialectOperation = {
  accept(input): Acceptance {
    const checked = checkBody(input, false);
    if ('type' in checked) return { accepted: false, answer: checked };
    const inputTokens = anthropicInputTokens(checked);
    const requestId = anthropicRequestId(input.context.sequence);
    return {
      accepted: true,
      stream: false,
      model: checked.body.model as string,
      answer: () => jsonAnswer(200, { 'request-id': requestId }, { input_tokens: inputTokens }),
    };
  },
};

const listedModels = ['claude-opus-4-1-20250805', 'claude-sonnet-4-6', 'claude-haiku-4-5-20251001'];

function modelEntry(id: string) {
  return { type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' };
}

const modelsOperation: DialectOperation = {
  accept(input): Acceptance {
    const refusal = checkHeaders(input.headers, input.context.sequence);
    if (refusal) return { accepted: false, answer: refusal };
    const headers = { 'request-id': anthropicRequestId(input.context.sequence) };
    // Every model id exists on a simulated upstream, so `GET /v1/models/<id>` always answers.
    const model = decodeURIComponent(input.pathRest);
    const body =
      model.length > 0
        ? modelEntry(model)
        : {
            data: listedModels.map(modelEntry),
            has_more: false,
            first_id: listedModels[0],
            last_id: listedModels[listedModels.length - 1],
          };
    return { accepted: true, stream: false, model, answer: () => jsonAnswer(200, headers, body) };
  },
};

function looksAnthropic(headers: IncomingHttpHeaders): boolean {
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
}

export const anthropicDialect: Dialect = {
  name: 'anthropic',

  operation(method, path, headers) {
    if (method === 'POST' && path === '/v1/messages') return { operation: messagesOperation, pathRest: '' };
    if (method === 'POST' && path === '/v1/messages/count_tokens')
      return { operation: countTokensOperation, pathRest: '' };
    // OpenAI shares the models path; an Anthropic client is recognised by its headers.
    if (method === 'GET' && looksAnthropic(headers)) {
      if (path === '/v1/models') return { operation: modelsOperation, pathRest: '' };
      if (path.startsWith('/v1/models/'))
        return { operation: modelsOperation, pathRest: path.slice('/v1/models/'.length) };
    }
    return undefined;
  },

  errorAnswer(options: ErrorAnswerOptions, context: ExchangeContext): JsonAnswer {
    const retryAfter = options.retryAfterSeconds ?? (options.status === 429 ? defaultRetryAfterSeconds : undefined);
    const headers: Record<string, string> = {
      // A 429 says the window is spent; other errors still report where the window stands.
      ...anthropicRateLimitHeaders(context, options.status === 429),
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    };
    return anthropicError(options.status, options.message, context.sequence, headers);
  },

  streamErrorFrame(options: ErrorAnswerOptions, context: ExchangeContext): StreamFrame {
    // The same body as the HTTP error, as the API sends it after a 200 (e.g. overloaded mid-stream).
    return {
      data: `event: error\ndata: ${anthropicError(options.status, options.message, context.sequence).body}\n\n`,
      tokens: 0,
    };
  },

  malformedAnswer(stream: boolean, model: string, context: ExchangeContext): WireAnswer {
    if (stream) return renderAnthropicMalformedStream(model, context.sequence);
    const body = `{"id":"${anthropicMessageId(context.sequence)}","type":"message","role":"assistant","content":[{"type":"text","text":"cut sh`;
    return {
      type: 'json',
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': anthropicRequestId(context.sequence) },
      body,
    };
  },
};
