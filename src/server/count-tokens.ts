// POST /v1/messages/count_tokens (and Vertex's count-tokens:rawPredict): counted by the route's first
// deployment that can count (its adapter's optional TokenCounting: Anthropic, Bedrock Claude, Vertex
// Claude and Gemini, the Gemini API), through the router like any request — admission, health, the
// deadline, failover. When no deployment could count (none of the route counts, or every one that
// does failed), the answer is a local estimate of about four characters a token, as
// docs/protocols/claude-code.md §8 allows: a client asking for a count is better served by an
// estimate than by an error. A client error (a 400 from the upstream) still reaches the client.
import type { CanonicalRequest } from '../canonical/request.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Router } from '../routing/router.js';

export interface TokenCount {
  input_tokens: number;
  /** The deployment that counted; undefined when the count is the local estimate. */
  deployment?: string;
}

export function estimateInputTokens(request: CanonicalRequest): number {
  const text = JSON.stringify([request.system, request.messages, request.tools ?? []]);
  return Math.max(1, Math.ceil(text.length / 4));
}

/** What the router throws when no deployment could count, as opposed to the request being refused. */
function noDeploymentCounted(error: unknown): boolean {
  return (
    GatewayError.isInstance(error) &&
    (error.code === 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED' || error.code === 'SWITCHYARD_DEADLINE_EXCEEDED')
  );
}

export async function countTokens(router: Router, request: CanonicalRequest, signal: AbortSignal): Promise<TokenCount> {
  try {
    const counted = await router.countTokens(request, signal);
    return { input_tokens: counted.inputTokens, deployment: counted.deployment.id };
  } catch (error) {
    if (noDeploymentCounted(error)) return { input_tokens: estimateInputTokens(request) };
    throw error;
  }
}
