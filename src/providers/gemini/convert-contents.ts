// Canonical messages → Gemini `contents` (docs/protocols/ §4.2, §6.1, §6.5): roles user/model,
// tool calls as functionCall, tool results as functionResponse (which needs the function's name, so
// call ids are mapped to names from the assistant turns of the same request), media as inlineData or
// fileData, same-role runs merged. Thinking is dropped: Claude's signatures mean nothing to Gemini.
import type {
  CanonicalMessage,
  ContentPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '../../canonical/request.js';
import { skipThoughtSignatureValidator, type GeminiContent, type GeminiPart, type GeminiRole } from './gemini-api.js';
import type { GeminiToolNameMap } from './tool-names.js';
import { isRecord } from '../../util/wire-values.js';

export interface ConvertContentsOptions {
  toolNames: GeminiToolNameMap;
  /**
   * Put Google's placeholder signature on the first functionCall of each model turn. Gemini 3
   * rejects history whose function calls have no thoughtSignature, and the canonical request
   * cannot carry Gemini's real signatures across turns (docs/protocols/translation.md §6.5).
   */
  signFunctionCalls: boolean;
}

/** A function name Gemini accepts, for a result whose call is not in the request (a truncated history). */
export const unknownFunctionName = 'unknown_function';

const mimeTypesByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
};

/** fileData needs a mimeType; a URL only says it through its extension. */
export function guessMimeType(url: string, fallback: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // gs:// and other non-WHATWG URLs: the raw text still ends in the file name.
  }
  const extension = /\.([a-zA-Z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension !== undefined ? mimeTypesByExtension[extension] : undefined) ?? fallback;
}

function textPart(text: string): GeminiPart[] {
  return text.length === 0 ? [] : [{ text }];
}

/**
 * Media by source kind. A URL becomes fileData: Vertex reads gs:// and https URLs, the Gemini API
 * its own File API URIs (and public URLs on newer models). A provider file id (`file_…`) has no
 * meaning at Google and is dropped.
 */
function convertMedia(source: MediaSource, fallbackMimeType: string, title: string | undefined): GeminiPart[] {
  switch (source.kind) {
    case 'base64':
      return [{ inlineData: { mimeType: source.mediaType, data: source.data } }];
    case 'url':
      return [{ fileData: { mimeType: guessMimeType(source.url, fallbackMimeType), fileUri: source.url } }];
    case 'text':
      return textPart(title === undefined ? source.text : `${title}\n\n${source.text}`);
    case 'file':
      return [];
  }
}

function convertMediaPart(part: TextPart | ImagePart | DocumentPart): GeminiPart[] {
  if (part.type === 'text') return textPart(part.text);
  if (part.type === 'image') return convertMedia(part.source, 'image/jpeg', undefined);
  return convertMedia(part.source, 'application/pdf', part.title ?? part.filename);
}

/** Gemini wants the response as an object: text becomes {content}, a failed call {error}. */
function convertToolResult(
  part: ToolResultPart,
  callNames: Map<string, string>,
  toolNames: GeminiToolNameMap,
): GeminiPart[] {
  const text = part.content
    .filter((content): content is TextPart => content.type === 'text')
    .map((content) => content.text)
    .join('\n');
  const name = toolNames.toWire(callNames.get(part.toolCallId) ?? unknownFunctionName);
  const response = part.isError ? { error: text.length > 0 ? text : 'The tool call failed.' } : { content: text };
  const media = part.content.filter((content) => content.type !== 'text').flatMap(convertMediaPart);
  return [{ functionResponse: { name, response, id: part.toolCallId } }, ...media];
}

/** Canonical tool input → args; Gemini needs an object. */
function argsObject(input: unknown): Record<string, unknown> {
  if (isRecord(input)) return input;
  return input === undefined || input === null ? {} : { value: input };
}

function convertPart(part: ContentPart, callNames: Map<string, string>, toolNames: GeminiToolNameMap): GeminiPart[] {
  switch (part.type) {
    case 'text':
    case 'image':
    case 'document':
      return convertMediaPart(part);
    case 'tool-call':
      return [{ functionCall: { name: toolNames.toWire(part.name), args: argsObject(part.input), id: part.id } }];
    case 'tool-result':
      return convertToolResult(part, callNames, toolNames);
    case 'thinking':
    case 'redacted-thinking':
      return [];
  }
}

function isFunctionResponse(part: GeminiPart): boolean {
  return 'functionResponse' in part;
}

/** Signs the first functionCall of a model turn (for parallel calls Gemini signs only the first). */
function signFirstFunctionCall(content: GeminiContent): void {
  const index = content.parts.findIndex((part) => 'functionCall' in part);
  const part = content.parts[index];
  if (part !== undefined && 'functionCall' in part && part.thoughtSignature === undefined) {
    content.parts[index] = { ...part, thoughtSignature: skipThoughtSignatureValidator };
  }
}

export function convertGeminiContents(
  messages: CanonicalMessage[],
  options: ConvertContentsOptions,
): { contents: GeminiContent[]; hoistedSystem: TextPart[] } {
  const callNames = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool-call') callNames.set(part.id, part.name);
  }
  const contents: GeminiContent[] = [];
  const hoistedSystem: TextPart[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      // Gemini has one systemInstruction; a mid-conversation system turn joins it (see the Anthropic adapter).
      for (const part of message.content) if (part.type === 'text') hoistedSystem.push(part);
      continue;
    }
    const role: GeminiRole = message.role === 'assistant' ? 'model' : 'user';
    const parts = message.content.flatMap((part) => convertPart(part, callNames, options.toolNames));
    if (parts.length === 0) continue;
    const previous = contents.at(-1);
    if (previous !== undefined && previous.role === role) previous.parts.push(...parts);
    else contents.push({ role, parts });
  }
  for (const content of contents) {
    // Function responses answer the model turn before them, so they lead their user turn.
    if (content.role === 'user' && content.parts.some(isFunctionResponse)) {
      content.parts = [
        ...content.parts.filter(isFunctionResponse),
        ...content.parts.filter((part) => !isFunctionResponse(part)),
      ];
    }
    if (content.role === 'model' && options.signFunctionCalls) signFirstFunctionCall(content);
  }
  return { contents, hoistedSystem };
}
