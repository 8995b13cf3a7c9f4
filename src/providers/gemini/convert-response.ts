// A GenerateContentResponse (docs/protocols/google.md §4.2) → CanonicalResponse.
// Adjacent text parts (Gemini splits answers into several) become one text block, adjacent thought
// parts one thinking block without a signature (Gemini's thoughtSignature is not Anthropic's, and a
// fake one would be rejected by Claude later). A refused prompt (no candidates, promptFeedback.blockReason)
// is an empty answer that finished with content-filter.
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse, OutputBlock } from '../../canonical/response.js';
import type { Random } from '../../util/random.js';
import type { GeminiGenerateContentResponse } from './gemini-api.js';
import { convertGeminiUsage } from './convert-usage.js';
import { inBandGoogleError } from './google-error.js';
import { mapGeminiBlockReason, mapGeminiFinishReason } from './map-finish-reason.js';
import { blockReasonOf, firstCandidate, readParts } from './read-candidate.js';
import { syntheticToolCallId } from './tool-call-ids.js';
import { createGeminiToolNameMap } from './tool-names.js';
import { isRecord, nonEmptyString } from '../../util/wire-values.js';

export interface GeminiConvertContext {
  /** Names the upstream in messages (`gemini`, `vertex`). */
  provider: string;
  /** Source of tool-call ids for calls that come back without one. */
  random: Random;
}

/** True for a body that has the shape of a GenerateContentResponse (or Google's error body). */
export function looksLikeGeminiResponse(body: unknown): boolean {
  if (!isRecord(body)) return false;
  return (
    Array.isArray(body.candidates) ||
    isRecord(body.promptFeedback) ||
    isRecord(body.usageMetadata) ||
    isRecord(body.error)
  );
}

export function convertGeminiResponse(
  body: unknown,
  request: CanonicalRequest,
  context: GeminiConvertContext,
): CanonicalResponse {
  // An error body behind a 2xx is the upstream failing, classified as such.
  if (isRecord(body) && isRecord(body.error)) throw inBandGoogleError(context.provider, body);
  if (!isRecord(body) || (!Array.isArray(body.candidates) && !isRecord(body.promptFeedback))) {
    throw new UpstreamError({
      kind: 'server',
      providerCode: 'malformed_response',
      message: `${context.provider} answered 2xx with a body that is not a GenerateContentResponse (no candidates)`,
    });
  }
  const response = body as GeminiGenerateContentResponse;
  const toolNames = createGeminiToolNameMap(request);
  const candidate = firstCandidate(response);
  const content: OutputBlock[] = [];
  const responseId = nonEmptyString(response.responseId);
  let functionCalls = 0;
  for (const part of readParts(candidate)) {
    const previous = content.at(-1);
    if (part.kind === 'function-call') {
      content.push({
        type: 'tool-call',
        id: part.id ?? syntheticToolCallId(responseId, functionCalls, context.random),
        name: toolNames.fromWire(part.name),
        input: part.args,
      });
      functionCalls += 1;
    } else if (part.kind === 'text') {
      if (previous?.type === 'text') previous.text += part.text;
      else content.push({ type: 'text', text: part.text });
    } else if (previous?.type === 'thinking') {
      previous.text += part.text;
    } else {
      content.push({ type: 'thinking', text: part.text });
    }
  }

  const finishReason = nonEmptyString(candidate?.finishReason);
  const blockReason = candidate === undefined ? blockReasonOf(response) : undefined;
  const converted: CanonicalResponse = {
    content,
    finishReason:
      blockReason !== undefined
        ? mapGeminiBlockReason(blockReason)
        : mapGeminiFinishReason(finishReason, functionCalls > 0),
    // Gemini ends on a stop sequence with plain STOP and does not say which one matched.
    stopSequence: null,
    usage: convertGeminiUsage(response.usageMetadata),
  };
  const rawFinishReason = blockReason ?? finishReason;
  if (rawFinishReason !== undefined) converted.rawFinishReason = rawFinishReason;
  if (responseId !== undefined) converted.id = responseId;
  const model = nonEmptyString(response.modelVersion);
  if (model !== undefined) converted.upstreamModel = model;
  return converted;
}
