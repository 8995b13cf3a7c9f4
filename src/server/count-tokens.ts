// POST /v1/messages/count_tokens: asked of the route's first Anthropic deployment that answers
// within the time limit, otherwise estimated locally (about four characters a token), as docs/protocols/claude-code.md §8 allows.
import type { CanonicalRequest } from '../canonical/request.js';
import type { ResolvedRoute } from '../routing/resolve-route.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import { toDeploymentTarget } from '../providers/deployment-target.js';
import { buildAnthropicHeaders } from '../providers/anthropic/adapter.js';

export function estimateInputTokens(request: CanonicalRequest): number {
  const text = JSON.stringify([request.system, request.messages, request.tools ?? []]);
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function countTokens(
  request: CanonicalRequest,
  route: ResolvedRoute,
  pools: UpstreamPools,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ input_tokens: number; estimated?: boolean }> {
  for (const deployment of route.deployments) {
    if (deployment.provider !== 'anthropic') continue;
    const target = toDeploymentTarget(deployment);
    const url = new URL(`${target.baseUrl}/v1/messages/count_tokens`);
    try {
      const answer = await pools.get(url.origin).request({
        method: 'POST',
        path: url.pathname,
        // The same headers as a Messages call (deployment key, version, betas), never the client's.
        headers: buildAnthropicHeaders({ ...request, stream: false }, target),
        body: JSON.stringify({ ...request.original.body, model: deployment.model }),
        // A hung upstream must not hang the client: give up and estimate.
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
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
