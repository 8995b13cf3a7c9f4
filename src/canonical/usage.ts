// Token usage in Anthropic's split: input excludes cache reads and writes (docs/protocols/translation.md §6.3).

export interface Usage {
  /** Input tokens that were neither read from nor written to a prompt cache. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Part of outputTokens spent on reasoning, when the upstream says. */
  reasoningTokens?: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

/** Total prompt size as OpenAI counts it (includes cached tokens). */
export function totalInputTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}
