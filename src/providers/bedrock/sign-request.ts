// Request authentication for Bedrock (docs/protocols/bedrock.md §3.1): SigV4 with service `bedrock` and the
// deployment's region, signed by the AWS SDK's own signer over the final URL, headers and body (as
// Anthropic's Bedrock SDK does), or a Bedrock API key sent as a bearer token. The signer's modules are
// loaded on the first signature, so a gateway with no SigV4-signed Bedrock deployment never loads them.
import type { AwsCredentialIdentity } from './credentials.js';

export const bedrockSigningService = 'bedrock';

type SignerModules = [
  typeof import('@aws-crypto/sha256-js'),
  typeof import('@smithy/protocol-http'),
  typeof import('@smithy/signature-v4'),
];
let signerModules: Promise<SignerModules> | undefined;

function loadSigner(): Promise<SignerModules> {
  signerModules ??= Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/protocol-http'),
    import('@smithy/signature-v4'),
  ]);
  return signerModules;
}

export interface SigningInput {
  method: 'POST' | 'GET';
  /** The absolute URL the request goes to, path already percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  credentials: AwsCredentialIdentity;
  signingDate: Date;
}

/**
 * Returns the headers to send: ours plus `host`, `x-amz-date`, `x-amz-content-sha256`,
 * `x-amz-security-token` (temporary credentials) and `authorization`. The host header is set here
 * (with the port, if any) so that what is signed is exactly what the server sees.
 */
export async function signBedrockRequest(input: SigningInput): Promise<Record<string, string>> {
  const [{ Sha256 }, { HttpRequest }, { SignatureV4 }] = await loadSigner();
  const url = new URL(input.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  // Hop-by-hop headers may be changed by a proxy on the way, so they are never signed.
  delete headers.connection;
  delete headers.authorization;
  headers.host = url.host;
  const request = new HttpRequest({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    // The path stays percent-encoded as sent; the signer encodes it once more, as SigV4 requires.
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: input.body,
  });
  const signer = new SignatureV4({
    service: bedrockSigningService,
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(request, { signingDate: input.signingDate });
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) result[name.toLowerCase()] = String(value);
  return result;
}

/** A Bedrock API key: `Authorization: Bearer`, and none of SigV4's headers. */
export function bearerHeaders(headers: Record<string, string>, apiKey: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-')) continue;
    result[lower] = value;
  }
  result.authorization = `Bearer ${apiKey}`;
  return result;
}
