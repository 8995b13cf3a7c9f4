// Gemini `usageMetadata` → canonical Usage (docs/protocols/translation.md §6.3).
// promptTokenCount includes the cached part, so input = prompt − cached and cacheRead = cached.
// Output is candidates + thoughts: Gemini counts thinking apart from the answer (totalTokenCount =
// prompt + candidates + thoughts + tool-use prompt), while canonical output, like Anthropic's
// output_tokens and OpenAI's completion_tokens, includes reasoning; reasoningTokens keeps the thoughts.
// Tokens of tool-use prompts (e.g. grounding results fed back to the model) are input.
import type { Usage } from '../../canonical/usage.js';
import type { GeminiUsageMetadata } from './gemini-api.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function convertGeminiUsage(metadata: GeminiUsageMetadata | null | undefined): Usage {
  const prompt = count(metadata?.promptTokenCount);
  const cached = Math.min(count(metadata?.cachedContentTokenCount), prompt);
  const thoughts = count(metadata?.thoughtsTokenCount);
  const usage: Usage = {
    inputTokens: prompt - cached + count(metadata?.toolUsePromptTokenCount),
    outputTokens: count(metadata?.candidatesTokenCount) + thoughts,
    cacheReadTokens: cached,
    // Gemini has no cache writes: implicit caching is free to fill, explicit caches are created apart.
    cacheWriteTokens: 0,
  };
  if (typeof metadata?.thoughtsTokenCount === 'number') usage.reasoningTokens = thoughts;
  return usage;
}
