// Client-side helpers for the Bedrock, Vertex and Gemini dialect tests: SigV4 signing with the
// AWS SDK's own signer (as the gateway's adapter and Anthropic's Bedrock SDK do), raw binary
// requests, and event-stream decoding with the SDK's codec, message by message.
import { Sha256 } from '@aws-crypto/sha256-js';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { request } from 'undici';
import { simulatorAwsCredentials } from '../../src/simulator/simulator.js';

export const claudeOnBedrock = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  credentials?: Credentials;
  service?: string;
  region?: string;
  /** Extra headers, signed along. */
  headers?: Record<string, string>;
  /** Whether the signer adds (and signs) x-amz-content-sha256; the SDK's default is yes. */
  applyChecksum?: boolean;
}

/** Signs a POST of `body` to `url` (path and query as they will be sent) and answers the headers to send. */
export async function signBedrockRequest(
  url: URL,
  body: string,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: options.credentials ?? simulatorAwsCredentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'bedrock',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body,
    }),
  );
  return signed.headers;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  /** Set when the body broke off (cut, reset). */
  failure?: unknown;
}

/** POSTs a body as it is and collects whatever bytes arrive; never throws on a broken body. */
export async function postBytes(
  url: string | URL,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<RawReply> {
  const response = await request(url, { method: 'POST', headers, body, signal });
  const chunks: Buffer[] = [];
  let failure: unknown;
  try {
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
  } catch (error) {
    failure = error;
  }
  return { status: response.statusCode, headers: response.headers, bytes: Buffer.concat(chunks), failure };
}

/** Signs and POSTs JSON to a Bedrock operation URL. */
export async function postSigned(url: URL, body: unknown, options: SignOptions = {}): Promise<RawReply> {
  const text = JSON.stringify(body);
  return postBytes(url, text, await signBedrockRequest(url, text, options));
}

export interface DecodedMessage {
  headers: Record<string, string>;
  payload: any;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * Splits a buffer into event-stream messages by their length prelude and decodes each with the
 * SDK's codec (which checks both CRCs and throws on a mismatch). `rest` is a trailing partial message.
 */
export function decodeEventStream(bytes: Uint8Array): { messages: DecodedMessage[]; rest: number } {
  const messages: DecodedMessage[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const length = view.getUint32(offset, false);
    if (offset + length > bytes.length) break;
    const message = codec.decode(bytes.subarray(offset, offset + length));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    messages.push({ headers, payload: JSON.parse(toUtf8(message.body)) });
    offset += length;
  }
  return { messages, rest: bytes.length - offset };
}

/** The Anthropic event inside an InvokeModelWithResponseStream `chunk` message. */
export function chunkEvent(message: DecodedMessage): any {
  return JSON.parse(Buffer.from(message.payload.bytes as string, 'base64').toString('utf8'));
}

export function parseJson(reply: RawReply): any {
  return JSON.parse(reply.bytes.toString('utf8'));
}
