// Small node:http helpers shared by the upstream and control handlers: reading a whole body
// without streams machinery (the hot path), and answering JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Anthropic's limit for Messages requests. */
export const bodyLimitBytes = 32 * 1024 * 1024;

export type BodyResult = { text: string; bytes: Buffer } | { tooLarge: true };

/** Reads the whole request body; rejects when the client goes away before it arrived. */
export function readBody(request: IncomingMessage, limit = bodyLimitBytes): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) resolve({ tooLarge: true });
      else {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        resolve({ text: bytes.toString('utf8'), bytes });
      }
    });
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new Error('client closed the connection before the body arrived'));
    });
  });
}

/** Parses JSON without throwing: `invalid` when the text is not JSON. */
export function parseJson(text: string): { value: unknown; invalid: boolean } {
  if (text.length === 0) return { value: undefined, invalid: false };
  try {
    return { value: JSON.parse(text) as unknown, invalid: false };
  } catch {
    return { value: undefined, invalid: true };
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
