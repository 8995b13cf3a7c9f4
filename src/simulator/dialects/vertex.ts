// Google Vertex AI (docs/protocols/google.md §4.1, §4.2), below
// /{v1|v1beta1}/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method},
// as two dialects because their errors differ:
// - anthropic publisher: :rawPredict / :streamRawPredict with an Anthropic body (no `model`,
//   anthropic_version "vertex-2023-10-16"), answered as Anthropic JSON / SSE, and
//   count-tokens:rawPredict. Errors: the platform's own failures — authentication (401),
//   permission (403) and quota (429 RESOURCE_EXHAUSTED) — come in Google's shape; everything the
//   model side says (400, 500, 503, 529 overloaded, in-stream errors) in Anthropic's. §4.1 says
//   both shapes appear; this split is the simulator's choice of which takes which.
// - google publisher: the Gemini methods (gemini-generate.ts), Google's error shape throughout.
// Both require `Authorization: Bearer <token>` (any token) and answer 401 UNAUTHENTICATED without.
import { generateReply } from '../reply-generator.js';
import { anthropicError, anthropicDialect } from './anthropic.js';
import { renderAnthropicMessage, renderAnthropicStream, anthropicRequestId } from './anthropic-render.js';
import { anthropicInputTokens, anthropicSimulatedRequest, checkAnthropicBody } from './anthropic-request.js';
import {
  bearerToken,
  jsonAnswer,
  safeDecode,
  type Acceptance,
  type Dialect,
  type DialectOperation,
  type OperationInput,
} from './dialect.js';
import { geminiMethods, geminiOperations, splitModelMethod, type GeminiMethod } from './gemini-generate.js';
import { geminiStreamErrorFrame, renderGeminiMalformed } from './gemini-render.js';
import { errorInfo, googleError } from './google-error.js';
import { firstPartyOnlyPart, vertexRefusalMessage } from './claude-platform-refusals.js';

export const vertexAnthropicVersion = 'vertex-2023-10-16';

const vertexService = 'aiplatform.googleapis.com';
const vertexQuotaMessage =
  'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.';

function checkBearer(input: OperationInput) {
  if (bearerToken(input.headers) !== undefined) return undefined;
  return googleError(401, {
    message:
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    details: [errorInfo('CREDENTIALS_MISSING', 'googleapis.com', { service: vertexService })],
  });
}

const modelPath =
  /^\/(?:v1|v1beta1)\/projects\/[^/]+\/locations\/[^/]+\/publishers\/(anthropic|google)\/models\/([^/]+)$/;

/** The publisher, model and method of a Vertex path, or undefined. */
function parseVertexPath(path: string): { publisher: string; model: string; method: string } | undefined {
  const match = modelPath.exec(path);
  if (!match) return undefined;
  const target = splitModelMethod(safeDecode(match[2]!));
  return target ? { publisher: match[1]!, ...target } : undefined;
}

function rawPredictOperation(streamByPath: boolean): DialectOperation {
  return {
    accept(input): Acceptance {
      const sequence = input.context.sequence;
      const refusal = checkBearer(input);
      if (refusal) return { accepted: false, answer: refusal };
      const checked = checkAnthropicBody(input.body, input.bodyInvalid, {
        requireModel: false,
        requireMaxTokens: true,
      });
      if ('problem' in checked) return { accepted: false, answer: anthropicError(400, checked.problem, sequence) };
      if (checked.body.anthropic_version !== vertexAnthropicVersion) {
        return {
          accepted: false,
          answer: anthropicError(400, `anthropic_version: Input should be '${vertexAnthropicVersion}'`, sequence),
        };
      }
      const firstPartyOnly = firstPartyOnlyPart(checked.body, input.headers['anthropic-beta']);
      if (firstPartyOnly !== undefined)
        return { accepted: false, answer: anthropicError(400, vertexRefusalMessage(firstPartyOnly), sequence) };
      const model = input.pathRest;
      // stream: true stays in the body on Vertex; the SDK also picks streamRawPredict for it.
      const request = anthropicSimulatedRequest(checked, model, streamByPath || checked.body.stream === true);
      return {
        accepted: true,
        stream: request.stream,
        model,
        answer: () => {
          const reply = generateReply(request);
          return request.stream
            ? renderAnthropicStream(reply, model, sequence)
            : renderAnthropicMessage(reply, model, sequence);
        },
      };
    },
  };
}

/** `count-tokens:rawPredict`: here the body keeps its `model`. */
const countTokensOperation: DialectOperation = {
  accept(input): Acceptance {
    const sequence = input.context.sequence;
    const refusal = checkBearer(input);
    if (refusal) return { accepted: false, answer: refusal };
    const checked = checkAnthropicBody(input.body, input.bodyInvalid, { requireModel: true, requireMaxTokens: false });
    if ('problem' in checked) return { accepted: false, answer: anthropicError(400, checked.problem, sequence) };
    const inputTokens = anthropicInputTokens(checked);
    return {
      accepted: true,
      stream: false,
      model: checked.body.model as string,
      answer: () => jsonAnswer(200, { 'request-id': anthropicRequestId(sequence) }, { input_tokens: inputTokens }),
    };
  },
};

const rawPredict = rawPredictOperation(false);
const streamRawPredict = rawPredictOperation(true);

export const vertexClaudeDialect: Dialect = {
  name: 'vertex-anthropic',

  operation(method, path) {
    const target = method === 'POST' ? parseVertexPath(path) : undefined;
    if (target?.publisher !== 'anthropic') return undefined;
    if (target.model === 'count-tokens' && target.method === 'rawPredict')
      return { operation: countTokensOperation, pathRest: '' };
    if (target.method === 'rawPredict') return { operation: rawPredict, pathRest: target.model };
    if (target.method === 'streamRawPredict') return { operation: streamRawPredict, pathRest: target.model };
    return undefined;
  },

  errorAnswer(options, context) {
    const google = { message: options.message, retryAfterSeconds: options.retryAfterSeconds };
    if (options.status === 429) return googleError(429, { ...google, message: options.message ?? vertexQuotaMessage });
    if (options.status === 401 || options.status === 403) return googleError(options.status, google);
    return anthropicDialect.errorAnswer(options, context);
  },

  streamErrorFrame: (options, context) => anthropicDialect.streamErrorFrame(options, context),
  malformedAnswer: (stream, model, context) => anthropicDialect.malformedAnswer(stream, model, context),
};

const geminiOnVertex = geminiOperations(checkBearer);

export const vertexGeminiDialect: Dialect = {
  name: 'vertex-google',

  operation(method, path) {
    const target = method === 'POST' ? parseVertexPath(path) : undefined;
    if (target?.publisher !== 'google' || !geminiMethods.has(target.method)) return undefined;
    return { operation: geminiOnVertex[target.method as GeminiMethod], pathRest: target.model };
  },

  errorAnswer(options) {
    const message = options.message ?? (options.status === 429 ? vertexQuotaMessage : undefined);
    return googleError(options.status, { message, retryAfterSeconds: options.retryAfterSeconds });
  },

  streamErrorFrame: (options) => geminiStreamErrorFrame(options, 'sse', 1),
  malformedAnswer: (stream, model, context) =>
    renderGeminiMalformed({ model, sequence: context.sequence }, stream ? 'sse' : undefined),
};
