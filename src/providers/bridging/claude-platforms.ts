// Bridging an Anthropic Messages request to Claude on Bedrock (InvokeModel) or Vertex (rawPredict):
// ONE table per platform of the betas and body fields it accepts (docs/protocols/claude-code.md,
// "Bridging to Bedrock and Vertex"). Anything else is removed, or translated where the platform has its
// own name for it, before sending: a first-party-only beta or field is a 400 on those platforms, and a
// 400 would end a failover that was meant to rescue the request. What was removed is reported, so the
// caller can log it and tell the client in `x-switchyard-removed`.

export type ClaudePlatform = 'bedrock' | 'vertex';

export interface ClaudePlatformSupport {
  /** Betas the platform takes: an exact name, or a prefix ending in `*` for a dated family. */
  betas: readonly string[];
  /** First-party betas the platform takes under its own name. */
  renamedBetas: Readonly<Record<string, string>>;
  /** Top-level body fields the platform takes (its version and beta fields included). */
  bodyFields: readonly string[];
}

/** The Messages fields both platforms take. */
const commonFields = [
  'max_tokens',
  'messages',
  'system',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'tools',
  'tool_choice',
  'thinking',
  'anthropic_version',
] as const;

/**
 * Not listed on either platform, so removed: `claude-code-20250219`, `context-1m-*`,
 * `prompt-caching-scope-*`, `mid-conversation-system-*`, `thinking-token-count-*`,
 * `context-management-*` (with its `context_management` field), `files-api-*`, `mcp-client-*`,
 * `code-execution-*`, `web-fetch-*`, `fast-mode-*`, and any beta newer than this table.
 */
export const claudePlatformSupport: Readonly<Record<ClaudePlatform, ClaudePlatformSupport>> = {
  bedrock: {
    betas: [
      'interleaved-thinking-2025-05-14',
      'fine-grained-tool-streaming-2025-05-14',
      'effort-2025-11-24',
      'computer-use-*',
      'token-efficient-tools-2025-02-19',
      'output-128k-2025-02-19',
      'tool-search-tool-2025-10-19',
      'compact-2026-01-12',
    ],
    renamedBetas: { 'advanced-tool-use-2025-11-20': 'tool-search-tool-2025-10-19' },
    // The model and stream are in the URL / operation; metadata, service_tier, container,
    // inference_geo, mcp_servers and context_management are first-party only.
    bodyFields: [...commonFields, 'anthropic_beta', 'output_config'],
  },
  vertex: {
    betas: [
      'interleaved-thinking-2025-05-14',
      'computer-use-*',
      'web-search-2025-03-05',
      'tool-search-tool-2025-10-19',
      'compact-2026-01-12',
    ],
    renamedBetas: { 'advanced-tool-use-2025-11-20': 'tool-search-tool-2025-10-19' },
    // `stream` stays in the body on Vertex; betas travel as a header, never in the body.
    bodyFields: [...commonFields, 'stream', 'metadata'],
  },
};

export interface BridgedClaudeRequest {
  body: Record<string, unknown>;
  betas: string[];
  /** What was not sent, as `beta=<name>` and `field=<name>` entries, in request order. */
  removed: string[];
  /** Betas sent under the platform's own name, as `<first-party>→<platform>`. */
  changed: string[];
}

function accepts(patterns: readonly string[], beta: string): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? beta.startsWith(pattern.slice(0, -1)) : beta === pattern));
}

function textBlocksOf(content: unknown): unknown[] {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', text: content }] : [];
  return Array.isArray(content) ? content : [];
}

/**
 * `role: "system"` turns inside `messages` (newer Claude Code, beta mid-conversation-system-*) are
 * hoisted into `system`, after the client's own blocks so an existing cache breakpoint keeps its
 * prefix: the platforms know only user and assistant turns. Translated, not removed.
 */
function hoistSystemTurns(body: Record<string, unknown>): boolean {
  if (!Array.isArray(body.messages)) return false;
  const isSystem = (message: unknown) =>
    typeof message === 'object' && message !== null && (message as Record<string, unknown>).role === 'system';
  // Without system turns the client's `messages` stays the very array it sent (its bytes are sent as they came).
  if (!body.messages.some(isSystem)) return false;
  const hoisted: unknown[] = [];
  body.messages = body.messages.filter((message) => {
    if (!isSystem(message)) return true;
    hoisted.push(...textBlocksOf((message as Record<string, unknown>).content));
    return false;
  });
  if (hoisted.length === 0) return false;
  body.system = [...textBlocksOf(body.system), ...hoisted];
  return true;
}

/**
 * The body and betas this platform accepts, from the client's (or converted) Anthropic body and betas.
 * `platformFields` are set by the caller after bridging (version, stream), so they are never reported.
 */
export function bridgeToClaudePlatform(
  platform: ClaudePlatform,
  body: Record<string, unknown>,
  betas: readonly string[],
  platformFields: readonly string[] = [],
): BridgedClaudeRequest {
  const support = claudePlatformSupport[platform];
  const removed: string[] = [];
  const changed: string[] = [];
  const kept = new Set<string>();
  for (const raw of betas) {
    const beta = raw.trim();
    if (beta.length === 0) continue;
    const renamedTo = support.renamedBetas[beta];
    if (renamedTo !== undefined) {
      kept.add(renamedTo);
      changed.push(`${beta}→${renamedTo}`);
    } else if (accepts(support.betas, beta)) kept.add(beta);
    else if (!removed.includes(`beta=${beta}`)) removed.push(`beta=${beta}`);
  }
  const bridged: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (support.bodyFields.includes(field)) bridged[field] = value;
    else if (!platformFields.includes(field)) removed.push(`field=${field}`);
  }
  if (hoistSystemTurns(bridged)) changed.push('messages[role=system]→system');
  return { body: bridged, betas: [...kept], removed, changed };
}
