// Bedrock's CountTokens (docs/protocols/bedrock.md §3.1): POST /model/{modelId}/count-tokens with
// `{"input":{"invokeModel":{"body":"<base64 InvokeModel body>"}}}` or `{"input":{"converse":{messages,
// system?, toolConfig?}}}`, answered by `{"inputTokens": N}`. The inner request is checked as its own
// operation would check it. Only Anthropic models addressed by their bare foundation-model id count;
// any other id (another family, a cross-region inference profile) is refused as Bedrock refuses it.
import type { SimulatedRequest } from '../reply-generator.js';
import { isRecord } from '../../util/wire-values.js';
import { parseConverseRequest } from './bedrock-converse.js';
import { parseInvokeRequest } from './bedrock-invoke.js';

export const countTokensUnsupportedMessage = "The provided model doesn't support counting tokens.";

/** The input token count of a CountTokens body, or Bedrock's ValidationException message. */
export function countBedrockTokens(value: unknown, invalid: boolean, model: string): number | { problem: string } {
  if (!model.startsWith('anthropic.claude')) return { problem: countTokensUnsupportedMessage };
  if (invalid || !isRecord(value) || !isRecord(value.input))
    return {
      problem:
        "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
    };
  const { invokeModel, converse } = value.input;
  let parsed: SimulatedRequest | { problem: string };
  if (isRecord(invokeModel) && typeof invokeModel.body === 'string') {
    const text = Buffer.from(invokeModel.body, 'base64').toString('utf8');
    let body: unknown;
    let bodyInvalid = false;
    try {
      body = JSON.parse(text);
    } catch {
      bodyInvalid = true;
    }
    parsed = parseInvokeRequest(body, bodyInvalid, model, false);
  } else if (isRecord(converse)) {
    parsed = parseConverseRequest(converse, false, model, false);
  } else {
    return { problem: 'Malformed input request: input must hold exactly one of invokeModel or converse.' };
  }
  return 'problem' in parsed ? parsed : parsed.inputTokens;
}
