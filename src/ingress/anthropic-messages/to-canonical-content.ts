// Validated Anthropic content blocks → canonical content parts (src/canonical/request.ts).
// Blocks we do not model (server_tool_use, web_search_tool_result, search_result, …) are left out
// here; Anthropic upstreams still receive them through the original body.
import type {
  CacheControl,
  ContentPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
} from '../../canonical/request.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicTextBlock,
} from './request-schema.js';
import type { UnknownVariant } from './select-schema.js';

export function toCacheControl(cacheControl: AnthropicCacheControl): CacheControl | undefined {
  if (cacheControl == null || cacheControl.type !== 'ephemeral') return undefined;
  const ttl = cacheControl.ttl;
  return ttl === '5m' || ttl === '1h' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' };
}

export function toTextPart(block: AnthropicTextBlock): TextPart {
  const cacheControl = toCacheControl(block.cache_control);
  return cacheControl === undefined
    ? { type: 'text', text: block.text }
    : { type: 'text', text: block.text, cacheControl };
}

function toImagePart(block: AnthropicImageBlock): ImagePart {
  const source = block.source;
  let media: MediaSource;
  if (source.type === 'base64') media = { kind: 'base64', mediaType: source.media_type, data: source.data };
  else if (source.type === 'url') media = { kind: 'url', url: source.url };
  else media = { kind: 'file', fileId: source.file_id };
  const part: ImagePart = { type: 'image', source: media };
  const cacheControl = toCacheControl(block.cache_control);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function toDocumentSource(source: AnthropicDocumentBlock['source']): MediaSource {
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: source.media_type, data: source.data };
    case 'text':
      return { kind: 'text', mediaType: source.media_type ?? 'text/plain', text: source.data };
    case 'url':
      return { kind: 'url', url: source.url };
    case 'file':
      return { kind: 'file', fileId: source.file_id };
    case 'content': {
      // Canonical has no "content" source: its text blocks become one plain-text document.
      const content = source.content;
      if (typeof content === 'string') return { kind: 'text', mediaType: 'text/plain', text: content };
      const texts: string[] = [];
      for (const item of content) if (item.type === 'text' && !('unknown' in item)) texts.push(item.text);
      return { kind: 'text', mediaType: 'text/plain', text: texts.join('\n') };
    }
  }
}

function toDocumentPart(block: AnthropicDocumentBlock): DocumentPart {
  const part: DocumentPart = { type: 'document', source: toDocumentSource(block.source) };
  if (block.title != null) part.title = block.title;
  const cacheControl = toCacheControl(block.cache_control);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

type ToolResultItem = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock | UnknownVariant;

function toToolResultContent(
  content: string | ToolResultItem[] | null | undefined,
): Array<TextPart | ImagePart | DocumentPart> {
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: Array<TextPart | ImagePart | DocumentPart> = [];
  for (const item of content) {
    if ('unknown' in item) continue;
    if (item.type === 'text') parts.push(toTextPart(item));
    else if (item.type === 'image') parts.push(toImagePart(item));
    else parts.push(toDocumentPart(item));
  }
  return parts;
}

/** One block → one part, or undefined for a block kind that canonical does not model. */
function toContentPart(block: AnthropicContentBlock): ContentPart | undefined {
  if ('unknown' in block) return undefined;
  switch (block.type) {
    case 'text':
      return toTextPart(block);
    case 'image':
      return toImagePart(block);
    case 'document':
      return toDocumentPart(block);
    case 'tool_use': {
      const cacheControl = toCacheControl(block.cache_control);
      return cacheControl === undefined
        ? { type: 'tool-call', id: block.id, name: block.name, input: block.input }
        : { type: 'tool-call', id: block.id, name: block.name, input: block.input, cacheControl };
    }
    case 'tool_result': {
      const cacheControl = toCacheControl(block.cache_control);
      const part: ContentPart = {
        type: 'tool-result',
        toolCallId: block.tool_use_id,
        content: toToolResultContent(block.content),
        isError: block.is_error === true,
      };
      if (cacheControl !== undefined) part.cacheControl = cacheControl;
      return part;
    }
    case 'thinking':
      return block.signature == null
        ? { type: 'thinking', text: block.thinking }
        : { type: 'thinking', text: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted-thinking', data: block.data };
  }
}

/** Message content (a string or blocks) → canonical parts. */
export function toCanonicalContent(content: string | AnthropicContentBlock[]): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: ContentPart[] = [];
  for (const block of content) {
    const part = toContentPart(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** The top-level `system` (a string or text blocks) → canonical text parts; an empty string is no system. */
export function toCanonicalSystem(system: string | AnthropicTextBlock[] | null | undefined): TextPart[] {
  if (system == null || system === '') return [];
  if (typeof system === 'string') return [{ type: 'text', text: system }];
  return system.map(toTextPart);
}
