// The Vertex AI adapter (provider `vertex`, docs/protocols/google.md §4.1, §4.2): Claude models through
// Anthropic's rawPredict / streamRawPredict, every other model through Google's generateContent /
// streamGenerateContent?alt=sse with the Gemini wire code; both count tokens (count-tokens:rawPredict,
// countTokens). All authenticate with an OAuth2 access token as `Authorization: Bearer …`, cached per
// credential (access-token-cache.ts).
import { vertexRelayLane } from '../relay/relay-lanes.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { DeploymentTarget, ProviderAdapter, TokenCounting, WireHeaders, WireRequest } from '../adapter.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { systemRandom, type Random } from '../../util/random.js';
import { buildGeminiBody } from '../gemini/convert-request.js';
import { buildCountTokensBody, readInputTokens } from '../anthropic/count-tokens-body.js';
import { buildVertexGeminiCountTokensBody, readTotalTokens } from '../gemini/count-tokens.js';
import type { GeminiConvertContext } from '../gemini/convert-response.js';
import { AccessTokenCache, type TokenSource } from './access-token-cache.js';
import { buildVertexClaudeRequest } from './claude-request.js';
import { anthropicBodyText } from '../anthropic/convert-request.js';
import { convertVertexResponse } from './convert-response.js';
import { convertVertexStream } from './convert-stream.js';
import { createGoogleAuthTokenSource } from './google-auth-token-source.js';
import { parseVertexError } from './vertex-error.js';
import { vertexCountTokensUrl, vertexModelUrl, vertexPublisherFor } from './vertex-url.js';

export interface VertexAdapterOptions {
  /** Where access tokens come from, for every deployment (tests); default: google-auth-library per credentials file. */
  auth?: TokenSource;
  clock?: Clock;
  /** Source of synthetic tool-call ids for Gemini function calls that come back without one. */
  random?: Random;
}

/** Config headers may add to ours; the token is set last so nothing can replace it. */
function vertexHeaders(
  target: DeploymentTarget,
  stream: boolean,
  token: string,
  betas: string[],
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (betas.length > 0) headers['anthropic-beta'] = betas.join(',');
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  headers.authorization = `Bearer ${token}`;
  return headers;
}

export function createVertexAdapter(options: VertexAdapterOptions = {}): ProviderAdapter {
  const clock = options.clock ?? systemClock;
  const context: GeminiConvertContext = { provider: 'vertex', random: options.random ?? systemRandom };
  const injected = options.auth === undefined ? undefined : new AccessTokenCache(options.auth, { clock });
  // One cache per credential, so deployments that share a service account share its token.
  const caches = new Map<string, AccessTokenCache>();

  function tokenCacheFor(target: DeploymentTarget): AccessTokenCache {
    if (injected !== undefined) return injected;
    const key = target.credentialsFile ?? '';
    let cache = caches.get(key);
    if (cache === undefined) {
      const credentials = target.credentialsFile !== undefined ? { credentialsFile: target.credentialsFile } : {};
      const source = createGoogleAuthTokenSource({ clock, ...credentials });
      cache = new AccessTokenCache(source, { clock });
      caches.set(key, cache);
    }
    return cache;
  }

  const countTokens: TokenCounting = {
    supports: () => true,
    async buildRequest(request, target) {
      const url = vertexCountTokensUrl(target);
      const token = await tokenCacheFor(target).getToken();
      if (vertexPublisherFor(target.model) === 'google') {
        const body = buildVertexGeminiCountTokensBody(request, target.model);
        return { method: 'POST', url, headers: vertexHeaders(target, false, token, []), body: JSON.stringify(body) };
      }
      // Betas travel as a header, as on rawPredict; here the body keeps its model.
      const { betas } = buildVertexClaudeRequest(request, target.model);
      const {
        anthropic_version: _version,
        anthropic_beta: _betas,
        ...body
      } = buildCountTokensBody(request, target.model);
      return { method: 'POST', url, headers: vertexHeaders(target, false, token, betas), body: JSON.stringify(body) };
    },
    // Claude answers `{input_tokens}`, Gemini `{totalTokens}`; the body says which one answered.
    parseResponse: (body) =>
      typeof body === 'object' && body !== null && 'totalTokens' in body
        ? readTotalTokens('vertex', body)
        : readInputTokens('vertex', body),
  };

  return {
    provider: 'vertex',
    relay: vertexRelayLane,
    countTokens,
    async buildRequest(request: CanonicalRequest, target: DeploymentTarget): Promise<WireRequest> {
      // The URL first: a deployment without project or region fails before any token is fetched.
      const url = vertexModelUrl(target, request.stream);
      const token = await tokenCacheFor(target).getToken();
      if (vertexPublisherFor(target.model) === 'anthropic') {
        const { body, betas, removed, changed } = buildVertexClaudeRequest(request, target.model);
        return {
          method: 'POST',
          url,
          headers: vertexHeaders(target, request.stream, token, betas),
          body: anthropicBodyText(request, body),
          bridged: { removed, changed },
        };
      }
      return {
        method: 'POST',
        url,
        headers: vertexHeaders(target, request.stream, token, []),
        body: JSON.stringify(buildGeminiBody(request, target.model)),
      };
    },
    parseResponse: (body: unknown, request: CanonicalRequest) => convertVertexResponse(body, request, context),
    parseStream: (body: AsyncIterable<Uint8Array>, request: CanonicalRequest) =>
      convertVertexStream(body, request, context),
    parseError: (status: number, headers: WireHeaders, bodyText: string) => parseVertexError(status, headers, bodyText),
  };
}

export const vertexAdapter: ProviderAdapter = createVertexAdapter();
