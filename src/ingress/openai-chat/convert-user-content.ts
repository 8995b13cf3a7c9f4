// User content parts (text, image_url, file, input_audio) → canonical parts. Images and files
// given as data URIs become base64 sources with their media type; https images stay URLs (the
// provider adapter fetches them when its upstream needs bytes). Audio input is refused with a 400:
// no canonical part can carry it and dropping it would silently change the question.
import type { DocumentPart, ImagePart, MediaSource, TextPart } from '../../canonical/request.js';
import { invalidRequest } from './invalid-request.js';
import type { OpenAIUserContentPart } from './request-schema.js';

type Path = readonly PropertyKey[];

// data:<media type>[;param=value]*;base64,<data>
const base64DataUriPattern = /^data:([^;,]+)((?:;[^;,]*)*?);base64,(.*)$/s;

interface DataUri {
  mediaType: string;
  data: string;
}

/** Parses a base64 data URI, or returns undefined when the string is not a data URI at all. */
function parseDataUri(value: string, path: Path, what: string): DataUri | undefined {
  if (!value.startsWith('data:')) return undefined;
  const match = base64DataUriPattern.exec(value);
  if (!match) throw invalidRequest(path, `${what} data URIs must be base64 with a media type (data:<type>;base64,...)`);
  return { mediaType: (match[1] ?? '').trim().toLowerCase(), data: match[3] ?? '' };
}

function imageSource(url: string, path: Path): MediaSource {
  const dataUri = parseDataUri(url, path, 'image');
  if (dataUri) return { kind: 'base64', mediaType: dataUri.mediaType, data: dataUri.data };
  if (/^https?:\/\//i.test(url)) return { kind: 'url', url };
  throw invalidRequest(path, 'expected an https URL or a base64 data URI');
}

function documentPart(
  file: { file_data?: string | null; file_id?: string | null; filename?: string | null },
  path: Path,
): DocumentPart {
  const filename = file.filename ?? undefined;
  let source: MediaSource;
  if (typeof file.file_data === 'string' && file.file_data !== '') {
    const dataUri = parseDataUri(file.file_data, [...path, 'file_data'], 'file');
    // OpenAI documents file_data as a data URI; bare base64 is what older clients send, and
    // OpenAI only takes PDFs there.
    source = dataUri
      ? { kind: 'base64', mediaType: dataUri.mediaType, data: dataUri.data }
      : { kind: 'base64', mediaType: 'application/pdf', data: file.file_data };
  } else if (typeof file.file_id === 'string' && file.file_id !== '') {
    source = { kind: 'file', fileId: file.file_id };
  } else {
    throw invalidRequest(path, 'a file part needs file_data or file_id');
  }
  return filename === undefined ? { type: 'document', source } : { type: 'document', source, filename };
}

/** One user content part → one canonical part. `path` points at the part (`messages[0].content[2]`). */
export function convertUserPart(part: OpenAIUserContentPart, path: Path): TextPart | ImagePart | DocumentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url':
      return { type: 'image', source: imageSource(part.image_url.url, [...path, 'image_url', 'url']) };
    case 'file':
      return documentPart(part.file, [...path, 'file']);
    case 'input_audio':
      throw invalidRequest(path, 'audio input is not supported by Switchyard; send text, images or files');
  }
}
