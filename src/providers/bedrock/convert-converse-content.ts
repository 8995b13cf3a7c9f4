// Canonical content parts → Converse ContentBlocks (docs/protocols/ §3.2, §6.1, §6.5), one part
// at a time. What Converse cannot take is dropped here, with a short text note where the model would
// otherwise miss something the user meant it to see (an image given by URL: Bedrock wants the bytes,
// and fetching arbitrary URLs from the gateway is not something it does).
import type {
  CacheControl,
  ContentPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
} from '../../canonical/request.js';
import { toolInputObject } from '../anthropic/convert-content.js';
import type { ToolNameMap } from '../openai/tool-names.js';
import type {
  BedrockCachePoint,
  BedrockContentBlock,
  BedrockDocumentBlock,
  BedrockDocumentFormat,
  BedrockImageBlock,
  BedrockImageFormat,
  BedrockTextBlock,
} from './bedrock-api.js';

type MediaBlock = BedrockTextBlock | BedrockImageBlock | BedrockDocumentBlock;

export interface ContentContext {
  toolNames: ToolNameMap;
  /** Claude: thinking with a genuine signature and redacted thinking may be sent back. */
  claude: boolean;
  /** Whether this model takes cachePoint blocks. */
  cachePoints: boolean;
  /** Document names must be unique in a request; this counts the ones handed out. */
  documentNames: Set<string>;
}

const imageFormats: Record<string, BedrockImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const documentFormats: Record<string, BedrockDocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

const validToolUseId = /^[a-zA-Z0-9_.:-]{1,64}$/;

/**
 * toolUseId must match [a-zA-Z0-9_.:-]{1,64}. The mapping is a pure function of the id, so a tool
 * call and its result (and the same history sent again next turn) always agree.
 */
export function converseToolUseId(id: string): string {
  if (validToolUseId.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_.:-]/g, '_') || 'tool';
  if (cleaned.length <= 64) return cleaned;
  let hash = 0x811c9dc5;
  for (let position = 0; position < id.length; position++) hash = Math.imul(hash ^ id.charCodeAt(position), 0x01000193);
  return `${cleaned.slice(0, 55)}_${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

export function cachePoint(cacheControl: CacheControl): BedrockCachePoint {
  return {
    cachePoint: cacheControl.ttl === undefined ? { type: 'default' } : { type: 'default', ttl: cacheControl.ttl },
  };
}

function mediaType(source: MediaSource): string {
  return 'mediaType' in source ? source.mediaType.toLowerCase().split(';')[0]!.trim() : '';
}

function unreachableNote(kind: 'image' | 'document', source: MediaSource): BedrockTextBlock {
  const where = source.kind === 'url' ? ` (${source.url})` : source.kind === 'file' ? ` (file ${source.fileId})` : '';
  return { text: `[${kind} not included${where}: this upstream only accepts inline ${kind} bytes]` };
}

function convertImage(part: ImagePart): MediaBlock | undefined {
  const { source } = part;
  if (source.kind === 'text') return source.text.length > 0 ? { text: source.text } : undefined;
  if (source.kind !== 'base64') return unreachableNote('image', source);
  const format = imageFormats[mediaType(source)];
  if (format === undefined)
    return { text: `[image not included: ${source.mediaType} is not an image format this upstream accepts]` };
  return { image: { format, source: { bytes: source.data } } };
}

/** Bedrock document names: letters, digits, single spaces, hyphens, parentheses, brackets; unique per request. */
function documentName(part: DocumentPart, context: ContentContext): string {
  const wanted = (part.title ?? part.filename ?? 'document')
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(/[^a-zA-Z0-9\s()[\]-]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  const base = wanted.length > 0 ? wanted : 'document';
  let name = base;
  for (let suffix = 2; context.documentNames.has(name); suffix++) name = `${base} (${suffix})`;
  context.documentNames.add(name);
  return name;
}

function convertDocument(part: DocumentPart, context: ContentContext): MediaBlock | undefined {
  const { source } = part;
  if (source.kind === 'url' || source.kind === 'file') return unreachableNote('document', source);
  const format = documentFormats[mediaType(source)] ?? (source.kind === 'text' ? 'txt' : undefined);
  if (format === undefined)
    return { text: `[document not included: ${source.mediaType} is not a document format this upstream accepts]` };
  const bytes = source.kind === 'text' ? Buffer.from(source.text, 'utf8').toString('base64') : source.data;
  return { document: { format, name: documentName(part, context), source: { bytes } } };
}

function convertMedia(part: TextPart | ImagePart | DocumentPart, context: ContentContext): MediaBlock | undefined {
  if (part.type === 'text') return part.text.length > 0 ? { text: part.text } : undefined;
  if (part.type === 'image') return convertImage(part);
  return convertDocument(part, context);
}

function convertPart(part: ContentPart, context: ContentContext): BedrockContentBlock | undefined {
  switch (part.type) {
    case 'text':
    case 'image':
    case 'document':
      return convertMedia(part, context);
    case 'tool-call':
      return {
        toolUse: {
          toolUseId: converseToolUseId(part.id),
          name: context.toolNames.toWire(part.name),
          input: toolInputObject(part.input),
        },
      };
    case 'tool-result': {
      const content = part.content.map((item) => convertMedia(item, context)).filter((block) => block !== undefined);
      return {
        toolResult: {
          toolUseId: converseToolUseId(part.toolCallId),
          // Converse rejects an empty content list; Anthropic allows a result with no content.
          content: content.length > 0 ? content : [{ text: '(no output)' }],
          ...(part.isError ? { status: 'error' as const } : {}),
        },
      };
    }
    case 'thinking':
      // Claude's signatures validate on Bedrock too; anything unsigned (another vendor's reasoning) is dropped.
      if (!context.claude || part.signature === undefined || part.signature.length === 0) return undefined;
      return { reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } };
    case 'redacted-thinking':
      return context.claude ? { reasoningContent: { redactedContent: part.data } } : undefined;
  }
}

/** One part → its block, followed by a cache point when the part asked for one and the model takes them. */
export function convertContentPart(part: ContentPart, context: ContentContext): BedrockContentBlock[] {
  const block = convertPart(part, context);
  if (block === undefined) return [];
  const cacheControl = 'cacheControl' in part ? part.cacheControl : undefined;
  return cacheControl !== undefined && context.cachePoints ? [block, cachePoint(cacheControl)] : [block];
}
