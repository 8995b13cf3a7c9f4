// The Gemini API adapter (provider `gemini`): POST {baseUrl}/v1beta/models/{model}:generateContent,
// or :streamGenerateContent?alt=sse, with the deployment's key in x-goog-api-key
// (docs/protocols/google.md §4.2), and :countTokens to count. The wire code beside it is shared with
// Gemini on Vertex.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { DeploymentTarget, ProviderAdapter, TokenCounting, WireHeaders, WireRequest } from '../adapter.js';
import { systemRandom, type Random } from '../../util/random.js';
import { buildGeminiBody } from './convert-request.js';
import { convertGeminiResponse, type GeminiConvertContext } from './convert-response.js';
import { convertGeminiStream } from './convert-stream.js';
import { buildGeminiApiCountTokensBody, readTotalTokens } from './count-tokens.js';
import { parseGoogleError } from './google-error.js';

export interface GeminiAdapterOptions {
  /** Source of synthetic tool-call ids for function calls that come back without one. */
  random?: Random;
}

/** `:generateContent` or `:streamGenerateContent?alt=sse` (without alt=sse the stream is one JSON array). */
export function geminiMethodSuffix(stream: boolean): string {
  return stream ? ':streamGenerateContent?alt=sse' : ':generateContent';
}

/**
 * The model's resource name. A plain id becomes `models/{id}`; an id that already names a
 * collection (`models/…`, `tunedModels/…`) is kept as it is.
 */
function modelResource(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

/** A base URL may already end in the API version (/v1beta, /v1, /v1alpha); otherwise v1beta is added. */
function geminiModelUrl(baseUrl: string, model: string, methodSuffix: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const versioned = /\/v1(alpha|beta)?$/.test(base) ? base : `${base}/v1beta`;
  return `${versioned}/${modelResource(model)}${methodSuffix}`;
}

export function geminiApiUrl(baseUrl: string, model: string, stream: boolean): string {
  return geminiModelUrl(baseUrl, model, geminiMethodSuffix(stream));
}

/** Every Gemini API model counts, with the deployment's key. */
const geminiTokenCounting: TokenCounting = {
  supports: () => true,
  buildRequest: (request, target) => ({
    method: 'POST',
    url: geminiModelUrl(target.baseUrl, target.model, ':countTokens'),
    headers: geminiHeaders(target, false),
    body: JSON.stringify(buildGeminiApiCountTokensBody(request, target.model, modelResource(target.model))),
  }),
  parseResponse: (body) => readTotalTokens('gemini', body),
};

/** Headers of the deployment only; config headers may add to ours, the key is set last so nothing replaces it. */
function geminiHeaders(target: DeploymentTarget, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  if (target.apiKey !== undefined) headers['x-goog-api-key'] = target.apiKey;
  return headers;
}

export function createGeminiAdapter(options: GeminiAdapterOptions = {}): ProviderAdapter {
  const context: GeminiConvertContext = { provider: 'gemini', random: options.random ?? systemRandom };
  return {
    provider: 'gemini',
    countTokens: geminiTokenCounting,
    buildRequest(request: CanonicalRequest, target: DeploymentTarget): WireRequest {
      return {
        method: 'POST',
        url: geminiApiUrl(target.baseUrl, target.model, request.stream),
        headers: geminiHeaders(target, request.stream),
        body: JSON.stringify(buildGeminiBody(request, target.model)),
      };
    },
    parseResponse: (body: unknown, request: CanonicalRequest) => convertGeminiResponse(body, request, context),
    parseStream: (body: AsyncIterable<Uint8Array>, request: CanonicalRequest) =>
      convertGeminiStream(body, request, context),
    parseError: (status: number, headers: WireHeaders, bodyText: string) =>
      parseGoogleError('gemini', status, headers, bodyText),
  };
}

export const geminiAdapter: ProviderAdapter = createGeminiAdapter();
