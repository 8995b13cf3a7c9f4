// Chat Completions usage → canonical Usage (docs/protocols/translation.md §6.3). OpenAI's prompt_tokens
// includes cached tokens; canonical input excludes every cache read and write, so that
// totalInputTokens(usage) gives prompt_tokens back to an OpenAI-format client unchanged.
import type { Usage } from '../../canonical/usage.js';
import type { OpenAIUsage } from './openai-api.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

export function convertOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  const promptTokens = count(usage?.prompt_tokens);
  const cacheReadTokens = count(usage?.prompt_tokens_details?.cached_tokens);
  const cacheWriteTokens = count(usage?.prompt_tokens_details?.cache_write_tokens);
  const converted: Usage = {
    inputTokens: Math.max(0, promptTokens - cacheReadTokens - cacheWriteTokens),
    outputTokens: count(usage?.completion_tokens),
    cacheReadTokens,
    cacheWriteTokens,
  };
  const reasoningTokens = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoningTokens === 'number') converted.reasoningTokens = reasoningTokens;
  return converted;
}
