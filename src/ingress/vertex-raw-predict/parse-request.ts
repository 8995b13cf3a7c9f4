// Vertex rawPredict request (path + body + headers) → CanonicalRequest (docs/protocols/ §4.1, §8).
// The body is an Anthropic Messages body without `model`, plus `anthropic_version: "vertex-2023-10-16"`;
// `stream` stays in the body (and streamRawPredict always streams); betas come in the `anthropic-beta`
// header as on /v1/messages. The model comes from the path; the project and region are the client's
// Google settings and mean nothing to the gateway. `anthropic_version` is taken out of the body that
// same-format upstreams receive: Anthropic's API rejects it.
import type { CanonicalRequest } from '../../canonical/request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { invalidRequest, parseAnthropicRequest, type RequestHeaders } from '../anthropic-messages/parse-request.js';
import { parseVertexRawPredictPath } from './parse-path.js';

export function parseVertexRawPredictRequest(body: unknown, headers: RequestHeaders, url: string): CanonicalRequest {
  const target = parseVertexRawPredictPath(url);
  if (target === undefined || target.model === 'count-tokens') {
    throw new GatewayError({
      status: 404,
      code: 'SWITCHYARD_NOT_FOUND',
      message: `${url.split('?')[0] ?? url} is not a Vertex rawPredict path`,
      shouldRetry: false,
    });
  }
  const anthropicBody = withoutVertexFields(body);
  const streamed = target.method === 'streamRawPredict' ? { stream: true } : {};
  return parseAnthropicRequest({ ...anthropicBody, model: target.model, ...streamed }, headers);
}

/** `…/models/count-tokens:rawPredict`: here the body keeps its `model`, as Vertex expects. */
export function parseVertexCountTokensRequest(body: unknown, headers: RequestHeaders): CanonicalRequest {
  return parseAnthropicRequest(withoutVertexFields(body), headers, { countTokens: true });
}

function withoutVertexFields(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidRequest('body', 'expected a JSON object');
  const { anthropic_version: _version, ...anthropicBody } = body as Record<string, unknown>;
  return anthropicBody;
}
