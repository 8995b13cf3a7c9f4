// The contract between the simulator's HTTP plumbing and one provider dialect (one file per
// dialect: anthropic.ts, openai.ts, bedrock.ts, vertex-claude.ts, vertex-gemini.ts, gemini.ts). A
// dialect parses and checks its own requests, renders the neutral reply (reply-generator.ts) in its
// wire format, and knows its provider's error bodies. Timing, faults and counting are done by
// serve-upstream.ts, which only sees finished answers: a JSON body or a list of framed stream
// events (SSE text, JSON-array pieces or binary event-stream messages).
import type { IncomingHttpHeaders } from 'node:http';

export type AnswerHeaders = Record<string, string>;

/** One framed stream event as it goes on the wire, with the output tokens it carries. */
export interface StreamFrame {
  /** SSE text (`event:`/`data:` lines and the blank line), a piece of a JSON array, or one binary
   * `application/vnd.amazon.eventstream` message. */
  data: string | Uint8Array;
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
  /** The upstream answers text at least this many tokens long (Anthropic and OpenAI dialects). */
  replyTokens?: number;
  /** This upstream's rate-limit window (requests this minute, this one included), for rate-limit headers. */
  window?: RequestWindow;
}

export interface RequestWindow {
  requests: number;
  /** When the window (a clock minute) ends, in milliseconds. */
  resetsAtMs: number;
}

/** The request exactly as received, for checks that need the bytes (SigV4) or the query string. */
export interface RawRequest {
  method: string;
  /** The whole path, still percent-encoded and including `/u/<name>`: what a SigV4 client signed. */
  path: string;
  /** The query string without `?` ('' when there is none). */
  query: string;
  body: Uint8Array;
}

export interface OperationInput {
  headers: IncomingHttpHeaders;
  raw: RawRequest;
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
  | {
      accepted: true;
      stream: boolean;
      model: string;
      answer: () => WireAnswer;
      /** Replaces the dialect's in-band stream error when one dialect streams in several framings;
       * `framesSent` says how much of the stream went out before it (a JSON array needs to know). */
      streamErrorFrame?: (options: ErrorAnswerOptions, framesSent: number) => StreamFrame;
      /** Replaces the dialect's malformed answer, for the same reason. */
      malformedAnswer?: () => WireAnswer;
    };

export interface DialectOperation {
  /** Asynchronous only where a check needs it (SigV4 verification); the others answer at once. */
  accept(input: OperationInput): Acceptance | Promise<Acceptance>;
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
  operation(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): { operation: DialectOperation; pathRest: string } | undefined;
  /** The provider's own error answer for an injected `error` fault. */
  errorAnswer(options: ErrorAnswerOptions, context: ExchangeContext): JsonAnswer;
  /** The in-band error that ends a stream already under way (Anthropic `event: error`, an OpenAI `{"error"}` chunk). */
  streamErrorFrame(options: ErrorAnswerOptions, context: ExchangeContext): StreamFrame;
  /** A 200 answer whose JSON (or one SSE data line of it) does not parse. */
  malformedAnswer(stream: boolean, model: string, context: ExchangeContext): WireAnswer;
  /** One stream event that does not parse, in the middle of a good stream (default: an SSE data line). */
  garbledEventFrame?(): StreamFrame;
}

/** An SSE event whose data is cut mid-JSON: what a proxy that split a chunk badly would pass on. */
export const garbledSseFrame: StreamFrame = {
  data: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n',
  tokens: 0,
};

/** The first value of a query parameter in a raw query string, decoded; undefined when absent. */
export function queryParameter(query: string, name: string): string | undefined {
  if (query.length === 0) return undefined;
  for (const pair of query.split('&')) {
    const separator = pair.indexOf('=');
    const key = separator === -1 ? pair : pair.slice(0, separator);
    if (safeDecode(key) !== name) continue;
    return separator === -1 ? '' : safeDecode(pair.slice(separator + 1).replace(/\+/g, ' '));
  }
  return undefined;
}

/** decodeURIComponent that keeps text it cannot decode as it is (a stray `%` must not crash the simulator). */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S.*)$/i.exec(authorization);
  return match?.[1];
}

export function jsonAnswer(status: number, headers: AnswerHeaders, body: unknown): JsonAnswer {
  return {
    type: 'json',
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export const streamHeaders: AnswerHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};
