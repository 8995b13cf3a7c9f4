// Provider kind → adapter. Adding a provider means adding its folder and one line here.
import type { ProviderKind } from '../config/schema.js';
import type { ProviderAdapter } from './adapter.js';
import { anthropicAdapter } from './anthropic/adapter.js';
import { openaiAdapter, azureAdapter, openaiCompatibleAdapter } from './openai/adapter.js';
import { bedrockAdapter } from './bedrock/adapter.js';

const adapters: Partial<Record<ProviderKind, ProviderAdapter>> = {
  anthropic: anthropicAdapter,
  openai: openaiAdapter,
  azure: azureAdapter,
  'openai-compatible': openaiCompatibleAdapter,
  bedrock: bedrockAdapter,
};

export function adapterFor(provider: ProviderKind): ProviderAdapter {
  const adapter = adapters[provider];
  if (!adapter) throw new Error(`provider "${provider}" has no adapter in this build`);
  return adapter;
}
