// Canonical usage → OpenAI `usage` (docs/protocols/translation.md §6.3). OpenAI's prompt_tokens includes
// cached tokens, so the three canonical input counts are added back together.
import { totalInputTokens, type Usage } from '../../canonical/usage.js';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export function toOpenAIUsage(usage: Usage): OpenAIUsage {
  const promptTokens = totalInputTokens(usage);
  const promptDetails: OpenAIUsage['prompt_tokens_details'] = { cached_tokens: usage.cacheReadTokens };
  // Optional in OpenAI's schema; only worth sending when a cache was actually written.
  if (usage.cacheWriteTokens > 0) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}
