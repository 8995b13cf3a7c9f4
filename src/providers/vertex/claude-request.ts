// The body and headers of Claude on Vertex (docs/protocols/google.md §4.1): the Anthropic body without
// `model` (the model is in the URL), with `anthropic_version: "vertex-2023-10-16"`, `stream` kept in
// the body, and the betas in the anthropic-beta header. The Anthropic conversion (forwarding an
// Anthropic client's own body, converting any other) is reused, then bridged to what Vertex accepts.
import type { CanonicalRequest } from '../../canonical/request.js';
import { buildAnthropicBody } from '../anthropic/convert-request.js';
import { type BridgedClaudeRequest, bridgeToClaudePlatform } from '../bridging/claude-platforms.js';

export const vertexAnthropicVersion = 'vertex-2023-10-16';

function betaList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.trim());
}

export function buildVertexClaudeRequest(request: CanonicalRequest, model: string): BridgedClaudeRequest {
  // A forwarded body may carry another platform's anthropic_version (a Bedrock InvokeModel client's)
  // and Bedrock's body-borne betas; Vertex takes its own version and betas only as a header.
  const anthropic = buildAnthropicBody(request, model);
  const betas = [...betaList(request.anthropicBeta), ...betaList(anthropic.anthropic_beta)];
  const bridged = bridgeToClaudePlatform('vertex', anthropic, betas, ['model', 'anthropic_beta']);
  const { anthropic_version: _version, ...rest } = bridged.body;
  bridged.body = { anthropic_version: vertexAnthropicVersion, ...rest };
  return bridged;
}
