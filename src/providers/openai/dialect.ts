// The three providers that speak Chat Completions differ in a handful of places; this table is
// the one place that says how, so the converters stay a single implementation.
import type { ProviderKind } from '../../config/schema.js';

export type OpenAIDialect = Extract<ProviderKind, 'openai' | 'azure' | 'openai-compatible'>;

export interface DialectFeatures {
  /** OpenAI and Azure want max_completion_tokens (reasoning models reject max_tokens); older compatible servers only know max_tokens. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Where the end-user id goes; undefined drops it (compatible servers may reject unknown fields). */
  userField?: 'safety_identifier' | 'user';
  /** Only OpenAI is known to accept reasoning_effort on every current model family it serves. */
  sendsReasoningEffort: boolean;
  /** A client that spoke Chat Completions may have its own body forwarded nearly unchanged (zero loss). */
  forwardsOriginalOpenAIBody: boolean;
}

export const dialectFeatures: Record<OpenAIDialect, DialectFeatures> = {
  openai: {
    maxTokensField: 'max_completion_tokens',
    userField: 'safety_identifier',
    sendsReasoningEffort: true,
    forwardsOriginalOpenAIBody: true,
  },
  azure: {
    maxTokensField: 'max_completion_tokens',
    userField: 'user',
    sendsReasoningEffort: false,
    // Azure lags OpenAI on new fields per api-version, so its body is always rebuilt from canonical.
    forwardsOriginalOpenAIBody: false,
  },
  'openai-compatible': {
    maxTokensField: 'max_tokens',
    userField: undefined,
    sendsReasoningEffort: false,
    forwardsOriginalOpenAIBody: true,
  },
};
