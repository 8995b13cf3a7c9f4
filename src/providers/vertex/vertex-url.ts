// Vertex AI URLs (docs/protocols/google.md §4.1, §4.2): which publisher serves a model, which host
// serves a region, and the method path for Claude (rawPredict / streamRawPredict, count-tokens:rawPredict)
// or Gemini (generateContent / streamGenerateContent?alt=sse, countTokens).
import { UpstreamError } from '../../canonical/errors.js';
import type { DeploymentTarget } from '../adapter.js';
import { geminiMethodSuffix } from '../gemini/adapter.js';

export type VertexPublisher = 'anthropic' | 'google';

/** Claude model ids on Vertex start with "claude" (`claude-sonnet-4-5@20250929`). */
export function vertexPublisherFor(model: string): VertexPublisher {
  return /^claude/i.test(model) ? 'anthropic' : 'google';
}

/** The regional host, with the special hosts the SDKs use for the global and multi-region endpoints. */
export function vertexHost(region: string): string {
  if (region === 'global') return 'https://aiplatform.googleapis.com';
  if (region === 'us') return 'https://aiplatform.us.rep.googleapis.com';
  if (region === 'eu') return 'https://aiplatform.eu.rep.googleapis.com';
  return `https://${region}-aiplatform.googleapis.com`;
}

/**
 * The API version in the path: v1 unless the deployment's apiVersion names another (`v1beta1`, which
 * js-genai uses and where some preview fields appear first).
 */
function pathVersion(target: DeploymentTarget): string {
  return target.apiVersion !== undefined && /^v\d+((alpha|beta)\d*)?$/.test(target.apiVersion)
    ? target.apiVersion
    : 'v1';
}

/**
 * A deployment without a project or region cannot be called at all. Config validation should catch
 * it first; if it did not, the attempt fails as this deployment's configuration problem.
 */
function required(value: string | undefined, field: string, target: DeploymentTarget): string {
  if (value !== undefined && value.length > 0) return value;
  throw new UpstreamError({
    kind: 'not-found',
    providerCode: 'vertex_configuration',
    message: `vertex deployment "${target.id}" has no ${field}`,
  });
}

/** `{host}/{version}/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}{method}`. */
function publisherModelUrl(target: DeploymentTarget, model: string, method: string): string {
  const project = required(target.project, 'project', target);
  const region = required(target.region, 'region', target);
  const publisher = vertexPublisherFor(target.model);
  const host = target.baseUrl.length > 0 ? target.baseUrl.replace(/\/+$/, '') : vertexHost(region);
  const path = `/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(region)}/publishers/${publisher}/models/${model}`;
  return `${host}/${pathVersion(target)}${path}${method}`;
}

export function vertexModelUrl(target: DeploymentTarget, stream: boolean): string {
  const claude = vertexPublisherFor(target.model) === 'anthropic';
  const method = claude ? (stream ? ':streamRawPredict' : ':rawPredict') : geminiMethodSuffix(stream);
  return publisherModelUrl(target, target.model, method);
}

/** Claude counts at `models/count-tokens:rawPredict` (the model goes in the body); Gemini at `{model}:countTokens`. */
export function vertexCountTokensUrl(target: DeploymentTarget): string {
  return vertexPublisherFor(target.model) === 'anthropic'
    ? publisherModelUrl(target, 'count-tokens', ':rawPredict')
    : publisherModelUrl(target, target.model, ':countTokens');
}
