// What a Bedrock model id says about the model behind it (docs/protocols/bedrock.md §3.6): Claude or not,
// which API to call, whether Converse cache points are accepted. Ids come as base ids
// (`anthropic.claude-…-v1:0`), cross-region inference profiles (`us.anthropic.claude-…`, `global.…`)
// and ARNs (`arn:aws:bedrock:…:inference-profile/us.anthropic.claude-…`). An application inference
// profile ARN does not name its model, so such a deployment should say `api: invoke` in config.
import type { DeploymentTarget } from '../adapter.js';
import type { BedrockApi } from './bedrock-api.js';

export function isClaudeModel(modelId: string): boolean {
  return modelId.includes('anthropic.claude');
}

/** Converse cachePoint blocks are accepted by Claude and Nova; other models reject them. */
export function supportsCachePoints(modelId: string): boolean {
  return isClaudeModel(modelId) || modelId.includes('amazon.nova');
}

/** Config decides; otherwise Claude goes through InvokeModel so thinking, betas and cache points survive. */
export function chooseBedrockApi(target: DeploymentTarget): BedrockApi {
  if (target.api !== undefined) return target.api;
  return isClaudeModel(target.model) ? 'invoke' : 'converse';
}

/**
 * CountTokens takes a bare foundation-model id only: a cross-region inference profile
 * (`us.anthropic.claude-…`, or its ARN) counts with the model it names, which tokenizes the same.
 * Undefined when the id names no Claude model (another family, an application inference profile).
 */
export function countingModelId(modelId: string): string | undefined {
  const last = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const bare = last.replace(/^[a-z-]+\.(?=anthropic\.)/, '');
  return bare.startsWith('anthropic.claude') ? bare : undefined;
}
