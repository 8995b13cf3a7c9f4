// Bedrock's authentication as the service checks it (docs/protocols/bedrock.md §3.1): a Bedrock API key
// as `Authorization: Bearer …`, or a SigV4 signature that is recomputed here with the AWS SDK's
// own signer from the request exactly as received (raw percent-encoded path, query, the headers
// the client says it signed, the body bytes) and the simulator's test credentials. A missing,
// malformed or wrong signature is refused with 403 and the exception name AWS uses.
//
// Not checked, on purpose: the clock skew between x-amz-date and now (tests run the simulator on
// a manual clock while clients sign with the wall clock) and the region (the simulator has none).
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { bearerToken, safeDecode, type OperationInput } from './dialect.js';

/**
 * The only AWS credentials the simulated Bedrock accepts. Test values, deliberately not shaped
 * like real AWS keys; sign requests to the simulator with them (service `bedrock`, any region).
 */
export const simulatorAwsCredentials = Object.freeze({
  accessKeyId: 'AKIDSIMULATOR',
  secretAccessKey: 'sim-secret-switchyard-simulator-only',
});

export const bedrockSigningService = 'bedrock';

/** Why a request was refused: the AWS exception name and its message, sent with 403. */
export interface AuthRefusal {
  errorType: string;
  message: string;
}

const algorithm = 'AWS4-HMAC-SHA256';
const payloadHashHeader = 'x-amz-content-sha256';
const unsignedPayload = 'UNSIGNED-PAYLOAD';

const refusals = {
  missing: { errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  unknownKey: {
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  mismatch: {
    errorType: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
} satisfies Record<string, AuthRefusal>;

function incomplete(message: string): AuthRefusal {
  return { errorType: 'IncompleteSignatureException', message };
}

function invalid(message: string): AuthRefusal {
  return { errorType: 'InvalidSignatureException', message };
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; a refusal when a part is missing. */
function parseAuthorization(header: string): ParsedAuthorization | AuthRefusal {
  const parameters = new Map<string, string>();
  for (const part of header.slice(algorithm.length).split(',')) {
    const separator = part.indexOf('=');
    if (separator !== -1) parameters.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parameters.get(name));
  if (missing.length > 0)
    return incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  const scope = parameters.get('Credential')!.split('/');
  if (scope.length !== 5 || scope.some((part) => part.length === 0)) {
    return incomplete(
      "Credential should be scoped to a valid region, service and date, like 'AKID/20250101/us-east-1/bedrock/aws4_request'.",
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== 'aws4_request')
    return invalid("Credential should be scoped with a valid terminator: 'aws4_request'.");
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: parameters.get('SignedHeaders')!.split(';'),
    signature: parameters.get('Signature')!,
  };
}

/** `20250929T101500Z` as a Date, or undefined when it is not one. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The query as the signer wants it: decoded names and values, repeated names as lists. */
function queryBag(query: string): Record<string, string | string[] | null> {
  const bag: Record<string, string | string[] | null> = {};
  if (query.length === 0) return bag;
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    const separator = pair.indexOf('=');
    const name = safeDecode(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? null : safeDecode(pair.slice(separator + 1));
    const existing = bag[name];
    if (existing === undefined) bag[name] = value;
    else bag[name] = [...(Array.isArray(existing) ? existing : [existing ?? '']), value ?? ''];
  }
  return bag;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = new Sha256();
  hash.update(bytes);
  return hash.digest().then((digest) => Buffer.from(digest).toString('hex'));
}

function sameText(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Undefined when the request is authenticated; otherwise the refusal to send (always HTTP 403). */
export async function checkBedrockAuth(input: OperationInput): Promise<AuthRefusal | undefined> {
  const authorization = headerValue(input.headers.authorization);
  if (authorization === undefined || authorization.trim().length === 0) return refusals.missing;
  // Bedrock API keys (AWS_BEARER_TOKEN_BEDROCK); the simulator takes any.
  if (bearerToken(input.headers) !== undefined) return undefined;
  if (!authorization.startsWith(`${algorithm} `)) {
    return incomplete(`Authorization header requires the '${algorithm}' algorithm or a Bearer token.`);
  }
  const parsed = parseAuthorization(authorization);
  if ('errorType' in parsed) return parsed;
  if (parsed.accessKeyId !== simulatorAwsCredentials.accessKeyId) return refusals.unknownKey;
  if (parsed.service !== bedrockSigningService)
    return invalid(`Credential should be scoped to correct service: '${bedrockSigningService}'.`);

  const amzDate = headerValue(input.headers['x-amz-date']);
  if (amzDate === undefined)
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return incomplete("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
  if (!amzDate.startsWith(parsed.date)) {
    return invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}'.`,
    );
  }
  if (!parsed.signedHeaders.includes('host'))
    return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(input.headers[name]);
    // A header named as signed but not sent cannot have produced the client's signature.
    if (value === undefined) return refusals.mismatch;
    headers[name] = value;
  }
  // The signer trusts x-amz-content-sha256 as the body's hash; the service checks it against the body.
  const declaredHash = headers[payloadHashHeader];
  if (
    declaredHash !== undefined &&
    declaredHash !== unsignedPayload &&
    declaredHash !== (await sha256Hex(input.raw.body))
  ) {
    return refusals.mismatch;
  }

  const signer = new SignatureV4({
    credentials: simulatorAwsCredentials,
    region: parsed.region,
    service: bedrockSigningService,
    sha256: Sha256,
    // The client chose whether to sign x-amz-content-sha256; only what it listed is signed again.
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: input.raw.method,
    protocol: 'http:',
    hostname: headers.host ?? 'localhost',
    // The path as received, still percent-encoded: the signer encodes it once more, as it did for the client.
    path: input.raw.path,
    query: queryBag(input.raw.query),
    headers,
    body: input.raw.body,
  });
  const signed = await signer.sign(request, {
    signingDate,
    signingRegion: parsed.region,
    signingService: bedrockSigningService,
    // Sign exactly the listed headers, even ones the signer would skip by default (user-agent…).
    signableHeaders: new Set(parsed.signedHeaders),
  });
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  return sameText(expected, parsed.signature) ? undefined : refusals.mismatch;
}
