// Bedrock's CountTokens for Claude (docs/protocols/bedrock.md §3.1): POST /model/{modelId}/count-tokens
// with `{"input":{"invokeModel":{"body":"<base64 of the InvokeModel body>"}}}`, answered by
// `{"inputTokens": N}`. The InvokeModel body is the one an invoke call would send, so the count is
// the count of what the deployment would be asked; max_tokens, which InvokeModel requires and a
// count body does not carry, is filled in because it does not change the input.
import type { CanonicalRequest } from '../../canonical/request.js';
import { readTokenCount } from '../read-token-count.js';
import { defaultMaxTokens } from '../anthropic/convert-request.js';
import { buildInvokeModelBody } from './invoke-model.js';

export interface BedrockCountTokensBody {
  input: { invokeModel: { body: string } };
}

export function buildBedrockCountTokensBody(request: CanonicalRequest, modelId: string): BedrockCountTokensBody {
  const invokeBody = buildInvokeModelBody(request, modelId).body;
  invokeBody.max_tokens ??= request.maxTokens ?? defaultMaxTokens;
  return { input: { invokeModel: { body: Buffer.from(JSON.stringify(invokeBody)).toString('base64') } } };
}

/** `{"inputTokens": N}` → N. */
export function readBedrockInputTokens(body: unknown): number {
  return readTokenCount('bedrock', body, 'inputTokens');
}
