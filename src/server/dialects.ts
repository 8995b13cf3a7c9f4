// The client dialects Switchyard serves, as one shape the request pipeline can drive: Anthropic
// Messages, OpenAI Chat Completions, and the two cloud forms of the Anthropic API that Claude Code
// speaks in Bedrock and Vertex mode (docs/protocols/claude-code.md §8).
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { GatewayError } from '../canonical/gateway-error.js';
import type { ClientStreamWriter, StreamSink } from '../ingress/client-stream-writer.js';
import { parseAnthropicRequest } from '../ingress/anthropic-messages/parse-request.js';
import { toAnthropicResponse } from '../ingress/anthropic-messages/write-response.js';
import { createAnthropicStreamWriter } from '../ingress/anthropic-messages/write-stream.js';
import { anthropicErrorResponse } from '../ingress/anthropic-messages/write-error.js';
import { parseOpenAIChatRequest } from '../ingress/openai-chat/parse-request.js';
import { toOpenAIChatResponse } from '../ingress/openai-chat/write-response.js';
import { createOpenAIChatStreamWriter } from '../ingress/openai-chat/write-stream.js';
import { openAIErrorResponse } from '../ingress/openai-chat/write-error.js';
import { isBedrockUrl } from '../ingress/bedrock-invoke/parse-path.js';
import { parseBedrockInvokeRequest } from '../ingress/bedrock-invoke/parse-request.js';
import { createBedrockStreamWriter } from '../ingress/bedrock-invoke/write-stream.js';
import { bedrockErrorResponse } from '../ingress/bedrock-invoke/write-error.js';
import { isVertexUrl } from '../ingress/vertex-raw-predict/parse-path.js';
import { parseVertexRawPredictRequest } from '../ingress/vertex-raw-predict/parse-request.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ClientDialect {
  name: 'anthropic' | 'openai' | 'bedrock' | 'vertex';
  /** The content-type of a streamed answer. */
  streamContentType: string;
  /** `url` is the request's path and query: the cloud dialects carry the model (and stream flag) there. */
  parse(body: unknown, headers: Headers, url: string): CanonicalRequest;
  toResponse(response: CanonicalResponse, clientModel: string, nowMs: number): Record<string, unknown>;
  createStreamWriter(sink: StreamSink, request: CanonicalRequest, nowMs: number): ClientStreamWriter;
  errorAnswer(error: GatewayError, requestId: string): ErrorAnswer;
}

const serverSentEvents = 'text/event-stream; charset=utf-8';

/**
 * The client reads SSE in the request's own format, so a deployment of that format may answer it
 * byte for byte (the relay lane). Not Bedrock's client form: its answers are re-framed as AWS events.
 */
function relayable(request: CanonicalRequest): CanonicalRequest {
  request.original.relay = true;
  return request;
}

export const anthropicDialect: ClientDialect = {
  name: 'anthropic',
  streamContentType: serverSentEvents,
  parse: (body, headers) => relayable(parseAnthropicRequest(body, headers)),
  toResponse: (response, clientModel) => toAnthropicResponse(response, clientModel),
  createStreamWriter: (sink, request) => createAnthropicStreamWriter(sink, request.model),
  errorAnswer: (error, requestId) => anthropicErrorResponse(error, requestId),
};

export const openaiDialect: ClientDialect = {
  name: 'openai',
  streamContentType: serverSentEvents,
  parse: (body, headers) => relayable(parseOpenAIChatRequest(body, headers)),
  toResponse: (response, clientModel, nowMs) => toOpenAIChatResponse(response, clientModel, Math.floor(nowMs / 1000)),
  createStreamWriter: (sink, request, nowMs) =>
    createOpenAIChatStreamWriter(sink, request.model, {
      includeUsage: request.includeUsage === true,
      createdSeconds: Math.floor(nowMs / 1000),
    }),
  errorAnswer: (error, requestId) => openAIErrorResponse(error, requestId),
};

/** Bedrock InvokeModel: Anthropic JSON, a binary event stream, AWS-shaped errors. */
export const bedrockInvokeDialect: ClientDialect = {
  name: 'bedrock',
  streamContentType: 'application/vnd.amazon.eventstream',
  parse: (body, headers, url) => parseBedrockInvokeRequest(body, headers, url),
  toResponse: (response, clientModel) => toAnthropicResponse(response, clientModel),
  createStreamWriter: (sink, request) => createBedrockStreamWriter(sink, request.model),
  errorAnswer: (error, requestId) => bedrockErrorResponse(error, requestId),
};

/**
 * Vertex rawPredict: answers exactly as /v1/messages. Errors keep Anthropic's shape too: Vertex itself
 * passes Anthropic's errors through in it, and the Anthropic Vertex SDK reads it.
 */
export const vertexRawPredictDialect: ClientDialect = {
  name: 'vertex',
  streamContentType: serverSentEvents,
  parse: (body, headers, url) => relayable(parseVertexRawPredictRequest(body, headers, url)),
  toResponse: (response, clientModel) => toAnthropicResponse(response, clientModel),
  createStreamWriter: (sink, request) => createAnthropicStreamWriter(sink, request.model),
  errorAnswer: (error, requestId) => anthropicErrorResponse(error, requestId),
};

/** Which dialect speaks for a URL, so that even framework-level errors (413, bad JSON) use it. */
export function dialectForUrl(url: string): ClientDialect {
  if (url.includes('/chat/completions')) return openaiDialect;
  if (isBedrockUrl(url)) return bedrockInvokeDialect;
  if (isVertexUrl(url)) return vertexRawPredictDialect;
  return anthropicDialect;
}
