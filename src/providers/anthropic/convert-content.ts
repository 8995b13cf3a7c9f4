// Canonical content parts → Anthropic content blocks (docs/protocols/anthropic-messages.md §1.2), one part at a time.
// Parts Anthropic would reject are dropped here: empty text, and thinking without a genuine signature.
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
  AnthropicContentBlockParam,
  AnthropicDocumentBlockParam,
  AnthropicDocumentSource,
  AnthropicImageBlockParam,
  AnthropicImageSource,
  AnthropicTextBlockParam,
} from './anthropic-api.js';
import { isRecord } from '../../util/wire-values.js';

type MediaBlock = AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam;

export function convertCacheControl(cacheControl: CacheControl | undefined): AnthropicCacheControl | undefined {
  if (cacheControl === undefined) return undefined;
  return cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
}

/** Adds cache_control only when the part has one, so the JSON stays free of `undefined` keys. */
function withCacheControl<Block extends object>(block: Block, cacheControl: CacheControl | undefined): Block {
  const converted = convertCacheControl(cacheControl);
  return converted === undefined ? block : { ...block, cache_control: converted };
}

function convertImageSource(source: Exclude<MediaSource, { kind: 'text' }>): AnthropicImageSource {
  if (source.kind === 'base64') return { type: 'base64', media_type: source.mediaType, data: source.data };
  if (source.kind === 'url') return { type: 'url', url: source.url };
  return { type: 'file', file_id: source.fileId };
}

function convertDocumentSource(source: MediaSource): AnthropicDocumentSource {
  // Anthropic's plain-text document source only knows text/plain, whatever the client labelled it.
  if (source.kind === 'text') return { type: 'text', media_type: 'text/plain', data: source.text };
  return convertImageSource(source);
}

/** Returns undefined for an empty text block (Anthropic rejects them). */
export function convertTextPart(part: TextPart): AnthropicTextBlockParam | undefined {
  if (part.text.length === 0) return undefined;
  return withCacheControl<AnthropicTextBlockParam>({ type: 'text', text: part.text }, part.cacheControl);
}

function convertMediaPart(part: TextPart | ImagePart | DocumentPart): MediaBlock | undefined {
  if (part.type === 'text') return convertTextPart(part);
  if (part.type === 'image') {
    // An "image" that is inline text cannot be an image block; its text still reaches the model.
    if (part.source.kind === 'text')
      return convertTextPart({ type: 'text', text: part.source.text, cacheControl: part.cacheControl });
    return withCacheControl<AnthropicImageBlockParam>(
      { type: 'image', source: convertImageSource(part.source) },
      part.cacheControl,
    );
  }
  const document: AnthropicDocumentBlockParam = { type: 'document', source: convertDocumentSource(part.source) };
  // Anthropic has no filename field; the title is what the model sees, so a filename is the best stand-in.
  const title = part.title ?? part.filename;
  if (title !== undefined) document.title = title;
  return withCacheControl(document, part.cacheControl);
}

/** Anthropic requires tool_use.input to be an object; anything else (a string, an array) is wrapped. */
export function toolInputObject(input: unknown): Record<string, unknown> {
  if (isRecord(input)) return input;
  return { value: input };
}

/** One canonical part → one Anthropic block, or undefined when Anthropic must not receive it. */
export function convertContentPart(part: ContentPart): AnthropicContentBlockParam | undefined {
  switch (part.type) {
    case 'text':
    case 'image':
    case 'document':
      return convertMediaPart(part);
    case 'tool-call':
      return withCacheControl(
        { type: 'tool_use' as const, id: part.id, name: part.name, input: toolInputObject(part.input) },
        part.cacheControl,
      );
    case 'tool-result': {
      const content = part.content.map(convertMediaPart).filter((block) => block !== undefined);
      return withCacheControl(
        {
          type: 'tool_result' as const,
          tool_use_id: part.toolCallId,
          ...(content.length > 0 ? { content } : {}),
          ...(part.isError ? { is_error: true } : {}),
        },
        part.cacheControl,
      );
    }
    case 'thinking':
      // Only Claude's own signatures validate; other vendors' reasoning would be rejected with a 400.
      if (part.signature === undefined || part.signature.length === 0) return undefined;
      return { type: 'thinking', thinking: part.text, signature: part.signature };
    case 'redacted-thinking':
      // Redacted thinking only ever comes from Claude, so it is passed back unchanged.
      return { type: 'redacted_thinking', data: part.data };
  }
}
