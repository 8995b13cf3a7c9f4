// Reads the untrusted parts of a GenerateContentResponse (a JSON answer or one stream chunk) into
// a small normalised form both converters share: text, thought text, whole function calls.
// Parts with no canonical counterpart (inlineData of image models, executableCode,
// codeExecutionResult) and thought signatures (see convert-contents.ts) are left out.
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiResponsePart } from './gemini-api.js';
import { isRecord, nonEmptyString } from '../../util/wire-values.js';

export type ReadPart =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'function-call'; name: string; args: Record<string, unknown>; id?: string };

/** Candidate 0: Switchyard never asks for more than one. */
export function firstCandidate(response: GeminiGenerateContentResponse): GeminiCandidate | undefined {
  if (!Array.isArray(response.candidates)) return undefined;
  const candidates = response.candidates.filter(isRecord) as GeminiCandidate[];
  return candidates.find((candidate) => candidate.index === undefined || candidate.index === 0) ?? candidates[0];
}

export function readParts(candidate: GeminiCandidate | undefined): ReadPart[] {
  const parts = isRecord(candidate?.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  const read: ReadPart[] = [];
  for (const part of parts as GeminiResponsePart[]) {
    if (!isRecord(part)) continue;
    if (isRecord(part.functionCall)) {
      const call = part.functionCall;
      const id = nonEmptyString(call.id);
      read.push({
        kind: 'function-call',
        name: typeof call.name === 'string' ? call.name : '',
        args: isRecord(call.args) ? call.args : {},
        ...(id !== undefined ? { id } : {}),
      });
      continue;
    }
    // An empty text part often only carries a thoughtSignature: nothing to show.
    const text = nonEmptyString(part.text);
    if (text !== undefined) read.push({ kind: part.thought === true ? 'thinking' : 'text', text });
  }
  return read;
}

export function blockReasonOf(response: GeminiGenerateContentResponse): string | undefined {
  return isRecord(response.promptFeedback) ? nonEmptyString(response.promptFeedback.blockReason) : undefined;
}
