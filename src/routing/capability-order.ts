// A request that needs something only some deployments have — Anthropic's server-side web search, an
// assistant prefill to continue, PDF input, a context window large enough for its prompt — tries the
// deployments that have it first, in the order the policy and health gave, and the others only when
// none of those could serve. There it is served with the documented degradation (README, "Bridging"):
// web search dropped, the prefill sent as an ordinary assistant turn, a PDF as a note, and a prompt
// too long answered by a context-length error that fails over. Never a crash.
import type { CanonicalRequest } from '../canonical/request.js';
import type { DeploymentConfig } from '../config/schema.js';

export type Capability = 'web-search' | 'prefill' | 'pdf' | 'context-window';

function isClaude(deployment: DeploymentConfig): boolean {
  return /claude/i.test(deployment.model);
}

function offersWebSearch(request: CanonicalRequest): boolean {
  const tools = request.original.format === 'anthropic-messages' ? request.original.body.tools : undefined;
  return (
    Array.isArray(tools) &&
    tools.some(
      (tool) =>
        typeof tool === 'object' &&
        tool !== null &&
        String((tool as { type?: unknown }).type).startsWith('web_search_'),
    )
  );
}

function hasPdf(request: CanonicalRequest): boolean {
  return request.messages.some((message) =>
    message.content.some(
      (part) =>
        part.type === 'document' &&
        part.source.kind !== 'text' &&
        (part.source.kind !== 'base64' || part.source.mediaType === 'application/pdf'),
    ),
  );
}

/** About four characters a token, as providers roughly count (the same estimate count_tokens uses). */
export function estimatedPromptTokens(request: CanonicalRequest): number {
  return Math.ceil((JSON.stringify(request.messages).length + JSON.stringify(request.system).length) / 4);
}

export function requiredCapabilities(request: CanonicalRequest): Set<Capability> {
  const needed = new Set<Capability>(['context-window']);
  if (offersWebSearch(request)) needed.add('web-search');
  if (request.messages.at(-1)?.role === 'assistant') needed.add('prefill');
  if (hasPdf(request)) needed.add('pdf');
  return needed;
}

/** Config says; otherwise what the provider (and, for Bedrock and Vertex, the model family) offers. */
export function hasCapability(deployment: DeploymentConfig, capability: Capability, promptTokens: number): boolean {
  const declared = deployment.capabilities;
  switch (capability) {
    case 'web-search':
      return (
        declared?.webSearch ??
        (deployment.provider === 'anthropic' || (deployment.provider === 'vertex' && isClaude(deployment)))
      );
    case 'prefill':
      return deployment.prefill || isClaude(deployment);
    case 'pdf':
      return declared?.pdf ?? deployment.provider !== 'openai-compatible';
    case 'context-window':
      return deployment.contextWindow === undefined || deployment.contextWindow >= promptTokens;
  }
}

/** The candidates that have every capability the request needs first, each group in its given order. */
export function preferCapable(candidates: DeploymentConfig[], request: CanonicalRequest): DeploymentConfig[] {
  if (candidates.length <= 1) return candidates;
  const needed = requiredCapabilities(request);
  // Serialising a long conversation costs more than the rest of routing: only when a window could refuse it.
  const windowed = candidates.some((deployment) => deployment.contextWindow !== undefined);
  const promptTokens = needed.has('context-window') && windowed ? estimatedPromptTokens(request) : 0;
  const capable: DeploymentConfig[] = [];
  const lacking: DeploymentConfig[] = [];
  for (const deployment of candidates) {
    const fits = [...needed].every((capability) => hasCapability(deployment, capability, promptTokens));
    (fits ? capable : lacking).push(deployment);
  }
  return lacking.length === 0 ? candidates : [...capable, ...lacking];
}
