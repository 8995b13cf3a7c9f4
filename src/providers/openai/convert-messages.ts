// Canonical system prompt and messages → Chat Completions `messages` (docs/protocols/translation.md §6.1, §6.5).
// The lossy points: thinking is dropped (signatures only validate on Claude), tool results are
// text only (their images move to a following user message), cache_control has no counterpart.
import { withoutAttribution } from '../bridging/attribution-block.js';
import type {
  CanonicalMessage,
  CanonicalRequest,
  ContentPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '../../canonical/request.js';
import type { OpenAIAssistantMessage, OpenAIMessage, OpenAIToolCall, OpenAIUserContentPart } from './openai-api.js';
import type { ToolNameMap } from './tool-names.js';

function joinText(parts: TextPart[]): string {
  return parts.map((part) => part.text).join('\n\n');
}

function dataUri(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

function imageToPart(source: MediaSource): OpenAIUserContentPart {
  switch (source.kind) {
    case 'base64':
      return { type: 'image_url', image_url: { url: dataUri(source.mediaType, source.data) } };
    case 'url':
      return { type: 'image_url', image_url: { url: source.url } };
    case 'file':
      return { type: 'file', file: { file_id: source.fileId } };
    case 'text':
      return { type: 'text', text: source.text };
  }
}

function documentToPart(document: DocumentPart): OpenAIUserContentPart {
  const source = document.source;
  switch (source.kind) {
    case 'base64': {
      const extension = source.mediaType === 'application/pdf' ? 'pdf' : 'bin';
      const filename =
        document.filename ?? (document.title ? `${document.title}.${extension}` : `document.${extension}`);
      return { type: 'file', file: { filename, file_data: dataUri(source.mediaType, source.data) } };
    }
    case 'text':
      return { type: 'text', text: document.title ? `${document.title}\n\n${source.text}` : source.text };
    case 'file':
      return { type: 'file', file: { file_id: source.fileId } };
    case 'url':
      // Chat Completions cannot fetch a document by URL; the model at least learns where it is.
      return { type: 'text', text: `Document${document.title ? ` "${document.title}"` : ''}: ${source.url}` };
  }
}

function userPart(part: TextPart | ImagePart | DocumentPart): OpenAIUserContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image') return imageToPart(part.source);
  return documentToPart(part);
}

/** One text string stays a string: older compatible servers do not accept content arrays. */
function userMessage(parts: OpenAIUserContentPart[]): OpenAIMessage {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text') return { role: 'user', content: only.text };
  return { role: 'user', content: parts };
}

function toolResultText(result: ToolResultPart): string {
  const text = result.content
    .map((part) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'document' && part.source.kind === 'text') return part.source.text;
      return '';
    })
    .filter((piece) => piece.length > 0)
    .join('\n');
  if (!result.isError) return text;
  return text.length > 0 ? `Error: ${text}` : 'Error';
}

/** Parts of a tool result that a `tool` message cannot carry. */
function toolResultAttachments(result: ToolResultPart): OpenAIUserContentPart[] {
  return result.content
    .filter((part) => part.type === 'image' || (part.type === 'document' && part.source.kind !== 'text'))
    .map((part) => userPart(part));
}

function convertAssistant(content: ContentPart[], toolNames: ToolNameMap): OpenAIAssistantMessage | undefined {
  const text = joinText(content.filter((part): part is TextPart => part.type === 'text'));
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of content) {
    if (part.type !== 'tool-call') continue;
    toolCalls.push({
      id: part.id,
      type: 'function',
      function: { name: toolNames.toWire(part.name), arguments: JSON.stringify(part.input ?? {}) },
    });
  }
  // An assistant turn that held only thinking has nothing left to say on this wire.
  if (text.length === 0 && toolCalls.length === 0) return undefined;
  const message: OpenAIAssistantMessage = { role: 'assistant', content: text.length > 0 ? text : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** A user turn: its tool results first (each its own `tool` message), then what the user said. */
function convertUser(content: ContentPart[]): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  const userParts: OpenAIUserContentPart[] = [];
  for (const part of content) {
    if (part.type === 'tool-result') {
      messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolResultText(part) });
      userParts.push(...toolResultAttachments(part));
    }
  }
  for (const part of content) {
    if (part.type === 'text' || part.type === 'image' || part.type === 'document') userParts.push(userPart(part));
  }
  if (userParts.length > 0) messages.push(userMessage(userParts));
  return messages;
}

function convertMessage(message: CanonicalMessage, toolNames: ToolNameMap): OpenAIMessage[] {
  if (message.role === 'system') {
    const text = joinText(message.content.filter((part): part is TextPart => part.type === 'text'));
    return text.length > 0 ? [{ role: 'system', content: text }] : [];
  }
  if (message.role === 'assistant') {
    const assistant = convertAssistant(message.content, toolNames);
    return assistant ? [assistant] : [];
  }
  return convertUser(message.content);
}

export function convertToOpenAIMessages(request: CanonicalRequest, toolNames: ToolNameMap): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  // Claude Code's attribution block means nothing to a non-Claude model and breaks its prefix cache.
  const system = joinText(withoutAttribution(request.system));
  if (system.length > 0) messages.push({ role: 'system', content: system });
  for (const message of request.messages) messages.push(...convertMessage(message, toolNames));
  return messages;
}
