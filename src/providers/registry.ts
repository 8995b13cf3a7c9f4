// Provider kind → adapter. Adding a provider means adding its folder and one line here.
import type { ProviderKind } from '../config/schema.js';
import type { ProviderAdapter } from './adapter.js';
import { anthropicAdapter } from './anthropic/adapter.js';
import { openaiAdapter, azureAdapter, openaiCompatibleAdapter } from './openai/adapter.js';
import { bedrockAdapter } from './bedrock/adapter.js';
import { geminiAdapter } from './gemini/adapter.js';
import { vertexAdapter } from './vertex/adapter.js';

const adapters: Record<ProviderKind, ProviderAdapter> = {
  anthropic: anthropicAdapter,
  openai: openaiAdapter,
  azure: azureAdapter,
  'openai-compatible': openaiCompatibleAdapter,
  bedrock: bedrockAdapter,
  vertex: vertexAdapter,
  gemini: geminiAdapter,
};

export function adapterFor(provider: ProviderKind): ProviderAdapter {
  return adapters[provider];
}
