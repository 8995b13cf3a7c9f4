// The Anthropic provider adapter: POST {baseUrl}/v1/messages with the deployment's x-api-key, and
// POST {baseUrl}/v1/messages/count_tokens to count. It only assembles the pieces; each concern lives
// in its own file beside this one.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { DeploymentTarget, ProviderAdapter, TokenCounting, WireRequest } from '../adapter.js';
import { anthropicDefaultVersion } from './anthropic-api.js';
import { parseAnthropicError } from './anthropic-error.js';
import { anthropicBodyText, buildAnthropicBody } from './convert-request.js';
import { buildCountTokensBody, readInputTokens } from './count-tokens-body.js';
import { convertAnthropicResponse } from './convert-response.js';
import { convertAnthropicStream } from './convert-stream.js';
import { anthropicRelayLane } from '../relay/relay-lanes.js';

/**
 * Headers for the upstream. Nothing comes from the client's headers except its `anthropic-*` ones
 * (anthropic-version, anthropic-beta, anthropic-workspace-id, …), which ingress copied into the request.
 * Config headers may override ours; the deployment's key is set last so nothing can replace it.
 */
export function buildAnthropicHeaders(request: CanonicalRequest, target: DeploymentTarget): Record<string, string> {
  const headers: Record<string, string> = {
    // Every anthropic-* header of an Anthropic client, unchanged; version and betas are set below.
    ...request.original.anthropicHeaders,
    'content-type': 'application/json',
    'anthropic-version': request.anthropicVersion ?? anthropicDefaultVersion,
  };
  const betas = (request.anthropicBeta ?? []).map((beta) => beta.trim()).filter((beta) => beta.length > 0);
  if (betas.length > 0) headers['anthropic-beta'] = betas.join(',');
  if (request.stream) headers.accept = 'text/event-stream';
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  if (target.apiKey !== undefined) headers['x-api-key'] = target.apiKey;
  return headers;
}

export function buildAnthropicRequest(request: CanonicalRequest, target: DeploymentTarget): WireRequest {
  return {
    method: 'POST',
    url: `${target.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    headers: buildAnthropicHeaders(request, target),
    body: anthropicBodyText(request, buildAnthropicBody(request, target.model)),
  };
}

/** Every Anthropic deployment counts, with the same headers (key, version, betas) as a Messages call. */
const anthropicTokenCounting: TokenCounting = {
  supports: () => true,
  buildRequest: (request, target) => ({
    method: 'POST',
    url: `${target.baseUrl.replace(/\/+$/, '')}/v1/messages/count_tokens`,
    headers: buildAnthropicHeaders({ ...request, stream: false }, target),
    body: JSON.stringify(buildCountTokensBody(request, target.model)),
  }),
  parseResponse: (body) => readInputTokens('anthropic', body),
};

export const anthropicAdapter: ProviderAdapter = {
  provider: 'anthropic',
  relay: anthropicRelayLane,
  countTokens: anthropicTokenCounting,
  buildRequest: buildAnthropicRequest,
  parseResponse: (body) => convertAnthropicResponse(body),
  parseStream: (body) => convertAnthropicStream(body),
  parseError: parseAnthropicError,
};
