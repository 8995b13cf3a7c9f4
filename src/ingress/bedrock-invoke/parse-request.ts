// Bedrock InvokeModel request (path + body + headers) → CanonicalRequest (docs/protocols/ §3.5, §8).
// The body is an Anthropic Messages body without `model` and `stream`, plus the Bedrock-only
// `anthropic_version` and optional `anthropic_beta`. The model comes from the path and the stream flag
// from which path was called; the rest is parsed exactly as /v1/messages is. The Bedrock-only fields
// are taken out of the body that same-format upstreams receive (Anthropic's API rejects them), and
// `anthropic_beta` becomes the betas an Anthropic upstream gets in its `anthropic-beta` header.
import type { CanonicalRequest } from '../../canonical/request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { invalidRequest, parseAnthropicRequest, type RequestHeaders } from '../anthropic-messages/parse-request.js';
import { parseBedrockInvokePath } from './parse-path.js';

export function parseBedrockInvokeRequest(body: unknown, headers: RequestHeaders, url: string): CanonicalRequest {
  const target = parseBedrockInvokePath(url);
  if (target === undefined) {
    throw new GatewayError({
      status: 404,
      code: 'SWITCHYARD_NOT_FOUND',
      message: `${url.split('?')[0] ?? url} is not a Bedrock invoke path`,
      shouldRetry: false,
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('body', 'expected a JSON object');
  }
  const { anthropic_version: _version, anthropic_beta: bodyBetas, ...anthropicBody } = body as Record<string, unknown>;
  const betas = readBodyBetas(bodyBetas);
  const request = parseAnthropicRequest({ ...anthropicBody, model: target.modelId, stream: target.stream }, headers);
  // The Anthropic Bedrock SDK copies an `anthropic-beta` header into the body but still sends the
  // header: take both, body first, each flag once.
  const merged = [...new Set([...betas, ...(request.anthropicBeta ?? [])])];
  if (merged.length > 0) request.anthropicBeta = merged;
  return request;
}

/** `anthropic_beta` is a list of flags; a comma-separated string is accepted too (lenient, as for the header). */
function readBodyBetas(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items)) throw invalidRequest('anthropic_beta', 'expected an array of strings');
  const flags: string[] = [];
  items.forEach((item: unknown, index) => {
    if (typeof item !== 'string') throw invalidRequest(`anthropic_beta.${index}`, 'expected string');
    const flag = item.trim();
    if (flag !== '') flags.push(flag);
  });
  return flags;
}
