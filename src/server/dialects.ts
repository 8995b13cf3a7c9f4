// The two client dialects Switchyard serves, as one shape the request pipeline can drive.
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

export type Headers = Record<string, string | string[] | undefined>;

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ClientDialect {
  name: 'anthropic' | 'openai';
  parse(body: unknown, headers: Headers): CanonicalRequest;
  toResponse(response: CanonicalResponse, clientModel: string, nowMs: number): Record<string, unknown>;
  createStreamWriter(sink: StreamSink, request: CanonicalRequest, nowMs: number): ClientStreamWriter;
  errorAnswer(error: GatewayError, requestId: string): ErrorAnswer;
}

export const anthropicDialect: ClientDialect = {
  name: 'anthropic',
  parse: (body, headers) => parseAnthropicRequest(body, headers),
  toResponse: (response, clientModel) => toAnthropicResponse(response, clientModel),
  createStreamWriter: (sink, request) => createAnthropicStreamWriter(sink, request.model),
  errorAnswer: (error, requestId) => anthropicErrorResponse(error, requestId),
};

export const openaiDialect: ClientDialect = {
  name: 'openai',
  parse: (body, headers) => parseOpenAIChatRequest(body, headers),
  toResponse: (response, clientModel, nowMs) => toOpenAIChatResponse(response, clientModel, Math.floor(nowMs / 1000)),
  createStreamWriter: (sink, request, nowMs) =>
    createOpenAIChatStreamWriter(sink, request.model, {
      includeUsage: request.includeUsage === true,
      createdSeconds: Math.floor(nowMs / 1000),
    }),
  errorAnswer: (error, requestId) => openAIErrorResponse(error, requestId),
};

/** Which dialect speaks for a URL, so that even framework-level errors (413, bad JSON) use it. */
export function dialectForUrl(url: string): ClientDialect {
  return url.includes('/chat/completions') ? openaiDialect : anthropicDialect;
}
