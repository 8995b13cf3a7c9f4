// What a deployment's model can take, for bridging a request translated from another format: its
// output-token limit and whether it reasons. Config says it (`maxOutputTokens`, `capabilities.reasoning`);
// otherwise this ONE table of well-known models does; otherwise the limit is unknown (nothing is
// clamped) and only Claude is taken to reason. Also the identifier limits of each provider.
import type { ProviderKind } from '../../config/schema.js';

export interface ModelProfile {
  maxOutputTokens?: number;
  reasoning: boolean;
}

/**
 * Well-known models, matched by the start of the model id or of a segment after `.`, `/` or `:` (so
 * Bedrock's `us.anthropic.claude-…-v1:0` and `models/gemini-…` match too); the first match wins, so
 * specific entries come first.
 */
const wellKnownModels: ReadonlyArray<readonly [fragment: string, profile: ModelProfile]> = [
  ['gpt-4o', { maxOutputTokens: 16_384, reasoning: false }],
  ['gpt-4.1', { maxOutputTokens: 32_768, reasoning: false }],
  ['gpt-3.5', { maxOutputTokens: 4_096, reasoning: false }],
  ['gpt-5', { maxOutputTokens: 128_000, reasoning: true }],
  ['o1', { maxOutputTokens: 100_000, reasoning: true }],
  ['o3', { maxOutputTokens: 100_000, reasoning: true }],
  ['o4-mini', { maxOutputTokens: 100_000, reasoning: true }],
  ['gemini-1.5', { maxOutputTokens: 8_192, reasoning: false }],
  ['gemini-2.0', { maxOutputTokens: 8_192, reasoning: false }],
  ['gemini-2.5', { maxOutputTokens: 65_536, reasoning: true }],
  ['gemini-3', { maxOutputTokens: 65_536, reasoning: true }],
  ['claude-3-haiku', { maxOutputTokens: 4_096, reasoning: false }],
  ['claude-3-5-haiku', { maxOutputTokens: 8_192, reasoning: false }],
  ['claude-3-5-sonnet', { maxOutputTokens: 8_192, reasoning: false }],
  ['claude-3-7-sonnet', { maxOutputTokens: 64_000, reasoning: true }],
  ['claude-opus-4-1', { maxOutputTokens: 32_000, reasoning: true }],
  ['claude-opus-4-20', { maxOutputTokens: 32_000, reasoning: true }],
  ['claude-opus-4', { maxOutputTokens: 64_000, reasoning: true }],
  ['claude-sonnet-4', { maxOutputTokens: 64_000, reasoning: true }],
  ['claude-haiku-4', { maxOutputTokens: 64_000, reasoning: true }],
];

function startsSegment(id: string, fragment: string): boolean {
  for (let at = id.indexOf(fragment); at !== -1; at = id.indexOf(fragment, at + 1)) {
    if (at === 0 || './:'.includes(id[at - 1]!)) return true;
  }
  return false;
}

export function wellKnownProfile(model: string): ModelProfile | undefined {
  const id = model.toLowerCase();
  return wellKnownModels.find(([fragment]) => startsSegment(id, fragment))?.[1];
}

/** Config first, then the table; a model neither knows reasons only if it is Claude. */
export function modelProfile(
  model: string,
  declared: { maxOutputTokens?: number; reasoning?: boolean } = {},
): ModelProfile {
  const known = wellKnownProfile(model);
  const maxOutputTokens = declared.maxOutputTokens ?? known?.maxOutputTokens;
  return {
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    reasoning: declared.reasoning ?? known?.reasoning ?? /claude/i.test(model),
  };
}

/** What a tool call id may be, per provider: OpenAI's `tool_calls[].id` takes 40 characters; Claude's and Bedrock's take only `[a-zA-Z0-9_-]`. */
export interface ToolCallIdRule {
  maximum?: number;
  pattern?: RegExp;
}

const claudeToolIds: ToolCallIdRule = { pattern: /^[a-zA-Z0-9_-]+$/ };
const openAIToolIds: ToolCallIdRule = { maximum: 40 };

export const toolCallIdRules: Readonly<Partial<Record<ProviderKind, ToolCallIdRule>>> = {
  openai: openAIToolIds,
  azure: openAIToolIds,
  'openai-compatible': openAIToolIds,
  anthropic: claudeToolIds,
  bedrock: { ...claudeToolIds, maximum: 64 },
  vertex: claudeToolIds,
};

/** How long an end-user identifier may be, per provider (OpenAI's safety_identifier / user: 64). */
export const identifierLimits: Readonly<Partial<Record<ProviderKind, number>>> = {
  openai: 64,
  azure: 64,
  'openai-compatible': 64,
};
