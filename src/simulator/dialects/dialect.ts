// The contract between the simulator's HTTP plumbing and one provider dialect (one file per
// dialect: anthropic.ts, openai.ts; Bedrock, Vertex and Gemini go beside them). A dialect parses
// and checks its own requests, renders the neutral reply (reply-generator.ts) in its wire format,
// and knows its provider's error bodies. Timing, faults and counting are done by serve-upstream.ts,
// which only sees finished answers: a JSON body or a list of framed SSE events.
import type { IncomingHttpHeaders } from 'node:http';

export type AnswerHeaders = Record<string, string>;

/** One framed SSE event (`event:`/`data:` lines and the blank line), with the output tokens it carries. */
export interface StreamFrame {
  text: string;
  /** Output tokens in this frame; frames with tokens are paced by time to first token and tokens per second. */
  tokens: number;
}

export interface JsonAnswer {
  type: 'json';
  status: number;
  headers: AnswerHeaders;
  body: string;
  /** Set for generated replies: the answer is held back as long as generating this many tokens takes. */
  outputTokens?: number;
}

export interface StreamAnswer {
  type: 'stream';
  headers: AnswerHeaders;
  frames: StreamFrame[];
}

export type WireAnswer = JsonAnswer | StreamAnswer;

/** Per-request facts a dialect needs to render stable ids and timestamps. */
export interface ExchangeContext {
  /** A number unique within this simulator, for ids (`msg_sim_12`). */
  sequence: number;
  /** Clock time when the request arrived, in milliseconds. */
  nowMs: number;
}

export interface OperationInput {
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined for GET requests. */
  body: unknown;
  /** Set when the body was present but not valid JSON. */
  bodyInvalid: boolean;
  /** The rest of the path after the operation's own prefix (a model id for `GET /v1/models/<id>`). */
  pathRest: string;
  context: ExchangeContext;
}

export type Acceptance =
  /** The request was refused the way the real provider would (auth, missing fields). */
  | { accepted: false; answer: JsonAnswer }
  /** The request is fine; `answer()` builds the reply (only called when no fault replaces it). */
  | { accepted: true; stream: boolean; model: string; answer: () => WireAnswer };

export interface DialectOperation {
  accept(input: OperationInput): Acceptance;
}

export interface ErrorAnswerOptions {
  status: number;
  /** Sent as retry-after (and retry-after-ms where the provider does); 429s get a default. */
  retryAfterSeconds?: number;
  /** Replaces the provider's usual message for that status. */
  message?: string;
}

export interface Dialect {
  readonly name: string;
  /** The operation for a method and a path below `/u/<name>` (no query string), if this dialect has it. */
  operation(method: string, path: string, headers: IncomingHttpHeaders): { operation: DialectOperation; pathRest: string } | undefined;
  /** The provider's own error answer for an injected `error` fault. */
  errorAnswer(options: ErrorAnswerOptions, context: ExchangeContext): JsonAnswer;
  /** The in-band error that ends a stream already under way (Anthropic `event: error`, an OpenAI `{"error"}` chunk). */
  streamErrorFrame(options: ErrorAnswerOptions, context: ExchangeContext): StreamFrame;
  /** A 200 answer whose JSON (or one SSE data line of it) does not parse. */
  malformedAnswer(stream: boolean, model: string, context: ExchangeContext): WireAnswer;
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S.*)$/i.exec(authorization);
  return match?.[1];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonAnswer(status: number, headers: AnswerHeaders, body: unknown): JsonAnswer {
  return { type: 'json', status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const streamHeaders: AnswerHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};
