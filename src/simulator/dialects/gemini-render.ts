// Renders a neutral reply as a Gemini GenerateContentResponse (docs/protocols/google.md §4.2): the JSON
// answer of generateContent, and streamGenerateContent either as SSE (`?alt=sse`: `data:` chunks
// separated by CRLF CRLF, no event names, no [DONE]) or as one JSON array sent piece by piece.
// Text arrives in incremental parts, a functionCall part whole; the last chunk carries
// finishReason and usageMetadata. Tool calls finish with STOP, as on the real API.
import type { SimulatedReply, SimulatedStopReason } from '../reply-generator.js';
import { googleErrorBody, googleJsonContentType } from './google-error.js';
import type { AnswerHeaders, ErrorAnswerOptions, StreamFrame, WireAnswer } from './dialect.js';

const finishReasons: Record<SimulatedStopReason, string> = {
  'end-turn': 'STOP',
  'tool-use': 'STOP',
  'stop-sequence': 'STOP',
  'max-tokens': 'MAX_TOKENS',
};

export type GeminiStreamFraming = 'sse' | 'json-array';

/** What every response of one exchange shares. */
export interface GeminiRenderContext {
  model: string;
  sequence: number;
}

export function geminiResponseId(sequence: number): string {
  return `simresp${sequence.toString(36).padStart(8, '0')}`;
}

function usageMetadata(reply: SimulatedReply) {
  return {
    promptTokenCount: reply.inputTokens,
    candidatesTokenCount: reply.outputTokens,
    totalTokenCount: reply.inputTokens + reply.outputTokens,
  };
}

function response(
  context: GeminiRenderContext,
  parts: unknown[],
  finish?: { reply: SimulatedReply },
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { role: 'model', parts }, index: 0 };
  const body: Record<string, unknown> = { candidates: [candidate] };
  if (finish) {
    candidate.finishReason = finishReasons[finish.reply.stopReason];
    body.usageMetadata = usageMetadata(finish.reply);
  }
  body.modelVersion = context.model;
  body.responseId = geminiResponseId(context.sequence);
  return body;
}

export function renderGeminiJson(reply: SimulatedReply, context: GeminiRenderContext): WireAnswer {
  const parts = reply.blocks.map((block) =>
    block.type === 'text' ? { text: block.text } : { functionCall: { name: block.name, args: block.input } },
  );
  return {
    type: 'json',
    status: 200,
    headers: { 'content-type': googleJsonContentType },
    body: JSON.stringify(response(context, parts, { reply })),
    outputTokens: reply.outputTokens,
  };
}

/** The chunks of a stream, each with its tokens; the last one finishes. */
function streamChunks(
  reply: SimulatedReply,
  context: GeminiRenderContext,
): { body: Record<string, unknown>; tokens: number }[] {
  const pieces: { part: unknown; tokens: number }[] = [];
  for (const block of reply.blocks) {
    if (block.type === 'text') for (const piece of block.pieces) pieces.push({ part: { text: piece }, tokens: 1 });
    else pieces.push({ part: { functionCall: { name: block.name, args: block.input } }, tokens: block.pieces.length });
  }
  if (pieces.length === 0) pieces.push({ part: { text: '' }, tokens: 0 });
  return pieces.map(({ part, tokens }, index) => ({
    body: response(context, [part], index === pieces.length - 1 ? { reply } : undefined),
    tokens,
  }));
}

function framingHeaders(framing: GeminiStreamFraming): AnswerHeaders {
  return framing === 'sse'
    ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
    : { 'content-type': googleJsonContentType };
}

function sseFrame(body: unknown, tokens: number): StreamFrame {
  return { data: `data: ${JSON.stringify(body)}\r\n\r\n`, tokens };
}

export function renderGeminiStream(
  reply: SimulatedReply,
  context: GeminiRenderContext,
  framing: GeminiStreamFraming,
): WireAnswer {
  const chunks = streamChunks(reply, context);
  if (framing === 'sse')
    return {
      type: 'stream',
      headers: framingHeaders(framing),
      frames: chunks.map(({ body, tokens }) => sseFrame(body, tokens)),
    };
  // A JSON array written as it is generated: `[` with the first element, `,\r\n` before each next one, `]` last.
  const frames: StreamFrame[] = chunks.map(({ body, tokens }, index) => ({
    data: `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(body)}`,
    tokens,
  }));
  frames.push({ data: ']', tokens: 0 });
  return { type: 'stream', headers: framingHeaders(framing), frames };
}

/** The `{"error"}` chunk that ends a stream under way (js-genai checks every chunk for it). */
export function geminiStreamErrorFrame(
  options: ErrorAnswerOptions,
  framing: GeminiStreamFraming,
  framesSent: number,
): StreamFrame {
  const body = googleErrorBody(options.status, {
    message: options.message,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  if (framing === 'sse') return sseFrame(body, 0);
  return { data: `${framesSent === 0 ? '[' : ',\r\n'}${JSON.stringify(body)}]`, tokens: 0 };
}

/** 200 with JSON that does not parse: half an object, or a stream whose second chunk breaks off. */
export function renderGeminiMalformed(
  context: GeminiRenderContext,
  framing: GeminiStreamFraming | undefined,
): WireAnswer {
  const broken = '{"candidates":[{"content":{"role":"model","parts":[{"text":"cut sh';
  if (framing === undefined)
    return { type: 'json', status: 200, headers: { 'content-type': googleJsonContentType }, body: broken };
  const first = response(context, [{ text: 'Hello' }]);
  const frames: StreamFrame[] =
    framing === 'sse'
      ? [sseFrame(first, 0), { data: `data: ${broken}\r\n\r\n`, tokens: 0 }]
      : [
          { data: `[${JSON.stringify(first)}`, tokens: 0 },
          { data: `,\r\n${broken}`, tokens: 0 },
        ];
  return { type: 'stream', headers: framingHeaders(framing), frames };
}
