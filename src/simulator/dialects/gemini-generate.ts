// The Gemini model methods, the same on the Gemini API and on Vertex's google publisher:
// generateContent, streamGenerateContent (SSE with `?alt=sse`, otherwise one streamed JSON array)
// and countTokens. Each service supplies its own authentication check.
import { generateReply } from '../reply-generator.js';
import {
  jsonAnswer,
  queryParameter,
  type Acceptance,
  type DialectOperation,
  type JsonAnswer,
  type OperationInput,
} from './dialect.js';
import { googleError, googleJsonContentType } from './google-error.js';
import { countGeminiTokens, parseGenerateContentRequest } from './gemini-request.js';
import {
  geminiStreamErrorFrame,
  renderGeminiJson,
  renderGeminiMalformed,
  renderGeminiStream,
  type GeminiStreamFraming,
} from './gemini-render.js';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

export const geminiMethods: ReadonlySet<string> = new Set<GeminiMethod>([
  'generateContent',
  'streamGenerateContent',
  'countTokens',
]);

/** Refuses a request the service would not authenticate; undefined lets it through. */
export type GoogleAuthCheck = (input: OperationInput) => JsonAnswer | undefined;

/** `gemini-2.5-flash:generateContent` (already percent-decoded) split at its last colon. */
export function splitModelMethod(segment: string): { model: string; method: string } | undefined {
  const colon = segment.lastIndexOf(':');
  if (colon <= 0) return undefined;
  return { model: segment.slice(0, colon), method: segment.slice(colon + 1) };
}

/** pathRest for these operations is the model id. */
export function geminiOperations(checkAuth: GoogleAuthCheck): Record<GeminiMethod, DialectOperation> {
  const generate = (stream: boolean): DialectOperation => ({
    accept(input): Acceptance {
      const refusal = checkAuth(input);
      if (refusal) return { accepted: false, answer: refusal };
      const model = input.pathRest;
      const parsed = parseGenerateContentRequest(input.body, input.bodyInvalid, model, stream);
      if ('problem' in parsed) return { accepted: false, answer: googleError(400, { message: parsed.problem }) };
      const request = parsed;
      const context = { model, sequence: input.context.sequence };
      const framing: GeminiStreamFraming | undefined = stream
        ? queryParameter(input.raw.query, 'alt') === 'sse'
          ? 'sse'
          : 'json-array'
        : undefined;
      return {
        accepted: true,
        stream,
        model,
        answer: () => {
          const reply = generateReply(request);
          return framing ? renderGeminiStream(reply, context, framing) : renderGeminiJson(reply, context);
        },
        streamErrorFrame: (options, framesSent) => geminiStreamErrorFrame(options, framing ?? 'sse', framesSent),
        malformedAnswer: () => renderGeminiMalformed(context, framing),
      };
    },
  });

  const countTokens: DialectOperation = {
    accept(input): Acceptance {
      const refusal = checkAuth(input);
      if (refusal) return { accepted: false, answer: refusal };
      const counted = countGeminiTokens(input.body, input.bodyInvalid);
      if (typeof counted !== 'number')
        return { accepted: false, answer: googleError(400, { message: counted.problem }) };
      return {
        accepted: true,
        stream: false,
        model: input.pathRest,
        answer: () => jsonAnswer(200, { 'content-type': googleJsonContentType }, { totalTokens: counted }),
      };
    },
  };

  return { generateContent: generate(false), streamGenerateContent: generate(true), countTokens };
}
