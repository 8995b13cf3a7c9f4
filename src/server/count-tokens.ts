// POST /v1/messages/count_tokens: asked of the route's first Anthropic deployment that answers,
// otherwise estimated locally (about four characters a token), as PROTOCOLS §8 allows.
import type { CanonicalRequest } from '../canonical/request.js';
import type { ResolvedRoute } from '../routing/resolve-route.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import { toDeploymentTarget } from '../providers/deployment-target.js';

export function estimateInputTokens(request: CanonicalRequest): number {
  const text = JSON.stringify([request.system, request.messages, request.tools ?? []]);
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function countTokens(
  request: CanonicalRequest,
  route: ResolvedRoute,
  pools: UpstreamPools,
  signal: AbortSignal,
): Promise<{ input_tokens: number; estimated?: boolean }> {
  for (const deployment of route.deployments) {
    if (deployment.provider !== 'anthropic') continue;
    const target = toDeploymentTarget(deployment);
    const url = new URL(`${target.baseUrl}/v1/messages/count_tokens`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'anthropic-version': request.anthropicVersion ?? '2023-06-01',
      ...target.headers,
    };
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
    if (request.anthropicBeta?.length) headers['anthropic-beta'] = request.anthropicBeta.join(',');
    try {
      const answer = await pools.get(url.origin).request({
        method: 'POST',
        path: url.pathname,
        headers,
        body: JSON.stringify({ ...request.original.body, model: deployment.model }),
        signal,
      });
      const text = await answer.body.text();
      if (answer.statusCode === 200) {
        const parsed = JSON.parse(text) as { input_tokens?: unknown };
        if (typeof parsed.input_tokens === 'number') return { input_tokens: parsed.input_tokens };
      }
    } catch {
      // try the next one, then estimate
    }
  }
  return { input_tokens: estimateInputTokens(request), estimated: true };
}
