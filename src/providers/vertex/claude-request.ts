// The body and headers of Claude on Vertex (docs/protocols/google.md §4.1): the Anthropic body without
// `model` (the model is in the URL), with `anthropic_version: "vertex-2023-10-16"`, `stream` kept in
// the body, and the betas in the anthropic-beta header. The Anthropic conversion (forwarding an
// Anthropic client's own body, converting any other) is reused as it is.
import type { CanonicalRequest } from '../../canonical/request.js';
import { buildAnthropicBody } from '../anthropic/convert-request.js';

export const vertexAnthropicVersion = 'vertex-2023-10-16';

function betaList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.trim());
}

export interface VertexClaudeRequest {
  body: Record<string, unknown>;
  /** For the anthropic-beta header: the client's header betas, then any a Bedrock-style body carried. */
  betas: string[];
}

export function buildVertexClaudeRequest(request: CanonicalRequest, model: string): VertexClaudeRequest {
  // A forwarded body may carry another platform's anthropic_version (a Bedrock InvokeModel client's)
  // and Bedrock's body-borne betas; Vertex takes its own version and betas only as a header.
  const {
    model: _model,
    anthropic_version: _version,
    anthropic_beta: bodyBetas,
    ...rest
  } = buildAnthropicBody(request, model);
  const betas = [...new Set([...betaList(request.anthropicBeta), ...betaList(bodyBetas)])].filter(
    (beta) => beta.length > 0,
  );
  return { body: { anthropic_version: vertexAnthropicVersion, ...rest }, betas };
}
