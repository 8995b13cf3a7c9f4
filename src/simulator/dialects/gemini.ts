// The Gemini Developer API dialect (docs/protocols/google.md §4.2, §4.3): POST
// /v1beta/models/{model}:generateContent, :streamGenerateContent (`?alt=sse`) and :countTokens
// (also under /v1), GET /v1beta/models[/{model}], authenticated by an API key in `x-goog-api-key`
// (or `?key=`, or an OAuth bearer token), with Google's error shape.
import {
  bearerToken,
  jsonAnswer,
  queryParameter,
  safeDecode,
  type Acceptance,
  type Dialect,
  type DialectOperation,
  type OperationInput,
} from './dialect.js';
import { geminiMethods, geminiOperations, splitModelMethod, type GeminiMethod } from './gemini-generate.js';
import { geminiStreamErrorFrame, renderGeminiMalformed } from './gemini-render.js';
import { errorInfo, googleError, googleJsonContentType } from './google-error.js';

const apiService = 'generativelanguage.googleapis.com';

/** Missing key: 403 PERMISSION_DENIED; a blank one: 400 API_KEY_INVALID — the two answers the API gives. */
function checkApiKey(input: OperationInput) {
  if (bearerToken(input.headers) !== undefined) return undefined;
  const header = input.headers['x-goog-api-key'];
  const key = typeof header === 'string' ? header : queryParameter(input.raw.query, 'key');
  if (key === undefined) {
    return googleError(403, {
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      details: [errorInfo('CONSUMER_INVALID', 'googleapis.com', { service: apiService })],
    });
  }
  if (key.trim().length === 0) {
    return googleError(400, {
      message: 'API key not valid. Please pass a valid API key.',
      details: [errorInfo('API_KEY_INVALID', 'googleapis.com', { service: apiService })],
    });
  }
  return undefined;
}

const operations = geminiOperations(checkApiKey);

const listedModels = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'];

function modelEntry(id: string) {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: `Simulated ${id}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  };
}

const modelsOperation: DialectOperation = {
  accept(input): Acceptance {
    const refusal = checkApiKey(input);
    if (refusal) return { accepted: false, answer: refusal };
    // Every model id exists on a simulated upstream, so `GET /v1beta/models/<id>` always answers.
    const model = input.pathRest;
    const body = model.length > 0 ? modelEntry(model) : { models: listedModels.map(modelEntry) };
    return {
      accepted: true,
      stream: false,
      model,
      answer: () => jsonAnswer(200, { 'content-type': googleJsonContentType }, body),
    };
  },
};

const modelMethodPath = /^\/(?:v1|v1beta)\/models\/([^/]+)$/;

export const geminiDialect: Dialect = {
  name: 'gemini',

  operation(method, path) {
    if (method === 'GET') {
      if (path === '/v1beta/models') return { operation: modelsOperation, pathRest: '' };
      const single = /^\/v1beta\/models\/([^/:]+)$/.exec(path);
      return single ? { operation: modelsOperation, pathRest: safeDecode(single[1]!) } : undefined;
    }
    if (method !== 'POST') return undefined;
    const match = modelMethodPath.exec(path);
    const target = match ? splitModelMethod(safeDecode(match[1]!)) : undefined;
    if (!target || !geminiMethods.has(target.method)) return undefined;
    return { operation: operations[target.method as GeminiMethod], pathRest: target.model };
  },

  errorAnswer(options) {
    return googleError(options.status, { message: options.message, retryAfterSeconds: options.retryAfterSeconds });
  },

  // The operations supply their own framing-aware versions; these cover a stream of unknown framing.
  streamErrorFrame(options) {
    return geminiStreamErrorFrame(options, 'sse', 1);
  },

  malformedAnswer(stream, model, context) {
    return renderGeminiMalformed({ model, sequence: context.sequence }, stream ? 'sse' : undefined);
  },
};
