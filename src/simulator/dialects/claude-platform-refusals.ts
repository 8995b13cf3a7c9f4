// What Claude on Bedrock and on Vertex refuse of a first-party Messages request, worded as those
// platforms word it (docs/protocols/claude-code.md, "Bridging to Bedrock and Vertex"): betas that
// exist only on Anthropic's own API, and body fields they do not take. The simulator keeps its own
// list, written from the platforms' behaviour rather than from the gateway's bridging table, so a
// gateway that forwards too much meets the same 400 here as it would in production.
import { isRecord } from '../../util/wire-values.js';

/** Beta families only Anthropic's own API takes (the platforms answer 400 for any of them). */
const firstPartyOnlyBetaPrefixes = [
  'claude-code-',
  'context-1m-',
  'prompt-caching-scope-',
  'mid-conversation-system-',
  'thinking-token-count-',
  'context-management-',
  'advanced-tool-use-',
  'files-api-',
  'mcp-client-',
];

/** Body fields only Anthropic's own API takes. */
const firstPartyOnlyFields = ['context_management', 'service_tier', 'container', 'inference_geo', 'mcp_servers'];

function betaList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.trim());
}

export interface PlatformRefusal {
  /** A beta the platform does not know, or a field it does not take. */
  beta?: string;
  field?: string;
}

/** The first thing in this request that Bedrock or Vertex would refuse, if any. */
export function firstPartyOnlyPart(body: unknown, betas: unknown): PlatformRefusal | undefined {
  const beta = betaList(betas).find((name) => firstPartyOnlyBetaPrefixes.some((prefix) => name.startsWith(prefix)));
  if (beta !== undefined) return { beta };
  if (!isRecord(body)) return undefined;
  const field = firstPartyOnlyFields.find((name) => name in body);
  if (field !== undefined) return { field };
  if (Array.isArray(body.messages) && body.messages.some((message) => isRecord(message) && message.role === 'system'))
    return { field: 'messages.role' };
  return undefined;
}

/** Bedrock's ValidationException message for it. */
export function bedrockRefusalMessage(refusal: PlatformRefusal): string {
  if (refusal.beta !== undefined) return 'invalid beta flag';
  if (refusal.field === 'messages.role')
    return 'Malformed input request: #/messages: role system is not a valid enum value, please reformat your input and try again.';
  return `Malformed input request: #: extraneous key [${refusal.field}] is not permitted, please reformat your input and try again.`;
}

/** Vertex's (Anthropic-format) invalid_request_error message for it. */
export function vertexRefusalMessage(refusal: PlatformRefusal): string {
  if (refusal.beta !== undefined)
    return `Unexpected value(s) \`${refusal.beta}\` for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`;
  if (refusal.field === 'messages.role') return "messages.1.role: Input should be 'user' or 'assistant'";
  return `${refusal.field}: Extra inputs are not permitted`;
}
