// The Bedrock provider adapter (docs/protocols/bedrock.md §3): POST {base}/model/{modelId}/{operation},
// signed with SigV4 (service `bedrock`) or sent with a Bedrock API key as a bearer token. Claude goes
// through InvokeModel with the Anthropic body unless config says `api: converse`; every other model
// through Converse; Claude on InvokeModel also counts tokens (count-tokens.ts). This file knows URLs,
// headers and auth; the conversions live beside it.
import { bedrockRelayLane } from '../relay/relay-lanes.js';
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type {
  BridgingReport,
  DeploymentTarget,
  ProviderAdapter,
  TokenCounting,
  WireHeaders,
  WireRequest,
} from '../adapter.js';
import type { BedrockApi } from './bedrock-api.js';
import { parseBedrockError } from './bedrock-error.js';
import { convertBedrockStream } from './convert-bedrock-stream.js';
import { buildBedrockCountTokensBody, readBedrockInputTokens } from './count-tokens.js';
import { convertToConverseBody } from './convert-converse-request.js';
import { convertConverseResponse } from './convert-converse-response.js';
import { createCredentialSource, resolveCredentials, type AwsCredentialIdentityProvider } from './credentials.js';
import { buildInvokeModelBody, convertInvokeModelResponse } from './invoke-model.js';
import { anthropicBodyText } from '../anthropic/convert-request.js';
import { chooseBedrockApi, countingModelId } from './model-family.js';
import { bearerHeaders, signBedrockRequest } from './sign-request.js';

export interface BedrockAdapterOptions {
  /** Credentials for every deployment (tests); default: the standard AWS chain, per profile. */
  credentials?: AwsCredentialIdentityProvider;
  /** The signing date comes from here. */
  clock?: Clock;
  /** Where AWS_BEARER_TOKEN_BEDROCK is looked up (default: the process environment). */
  environment?: Record<string, string | undefined>;
}

const eventStreamType = 'application/vnd.amazon.eventstream';

/** The region of a `bedrock-runtime.{region}.amazonaws.com` (or `-fips`) host, when the base URL is one. */
function regionFromHost(baseUrl: string): string | undefined {
  try {
    return /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(baseUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/** The signing region: config, else the host's, else (a simulator or proxy base URL) us-east-1. */
export function bedrockRegion(target: DeploymentTarget): string {
  if (target.region !== undefined) return target.region;
  const fromHost = target.baseUrl === '' ? undefined : regionFromHost(target.baseUrl);
  if (fromHost !== undefined) return fromHost;
  if (target.baseUrl !== '') return 'us-east-1';
  throw new UpstreamError({
    kind: 'local',
    providerCode: 'missing_region',
    message: `bedrock deployment ${target.id} has neither a region nor a baseUrl`,
  });
}

type BedrockOperation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream' | 'count-tokens';

function operation(api: BedrockApi, stream: boolean): BedrockOperation {
  if (api === 'converse') return stream ? 'converse-stream' : 'converse';
  return stream ? 'invoke-with-response-stream' : 'invoke';
}

/** The model id is one path segment: `:` and the `/` of ARNs are percent-encoded (§3.1). */
function operationUrl(target: DeploymentTarget, name: BedrockOperation, modelId = target.model): string {
  const base = (target.baseUrl || `https://bedrock-runtime.${bedrockRegion(target)}.amazonaws.com`).replace(/\/+$/, '');
  return `${base}/model/${encodeURIComponent(modelId)}/${name}`;
}

export function bedrockUrl(target: DeploymentTarget, api: BedrockApi, stream: boolean): string {
  return operationUrl(target, operation(api, stream));
}

function unsignedHeaders(target: DeploymentTarget, api: BedrockApi, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? eventStreamType : 'application/json',
  };
  // InvokeModelWithResponseStream: the content type of each chunk's inner bytes.
  if (api === 'invoke' && stream) headers['x-amzn-bedrock-accept'] = 'application/json';
  // Lower-cased so that a configured header replaces ours instead of travelling beside it.
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  return headers;
}

function requestBody(
  request: CanonicalRequest,
  target: DeploymentTarget,
  api: BedrockApi,
): { body: string; bridged?: BridgingReport } {
  if (api !== 'invoke') return { body: JSON.stringify(convertToConverseBody(request, target.model)) };
  const { body, removed, changed } = buildInvokeModelBody(request, target.model);
  return { body: anthropicBodyText(request, body), bridged: { removed, changed } };
}

/** Converse answers carry `output`; InvokeModel answers are Anthropic Messages. */
function parseBedrockResponse(body: unknown, request: CanonicalRequest): CanonicalResponse {
  const isConverse = typeof body === 'object' && body !== null && 'output' in body;
  return isConverse ? convertConverseResponse(body, request) : convertInvokeModelResponse(body);
}

export function createBedrockAdapter(options: BedrockAdapterOptions = {}): ProviderAdapter {
  const credentialsFor = createCredentialSource(options.credentials);
  const clock = options.clock ?? systemClock;

  async function authorized(
    target: DeploymentTarget,
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WireRequest> {
    // A Bedrock API key: the deployment's own, else AWS_BEARER_TOKEN_BEDROCK as the AWS SDKs read it.
    const apiKey = target.apiKey || (options.environment ?? process.env).AWS_BEARER_TOKEN_BEDROCK;
    if (apiKey !== undefined && apiKey.length > 0) {
      return { method: 'POST', url, headers: bearerHeaders(headers, apiKey), body };
    }
    const credentials = await resolveCredentials(credentialsFor(target.awsProfile), target.id);
    const signed = await signBedrockRequest({
      method: 'POST',
      url,
      headers,
      body,
      region: bedrockRegion(target),
      credentials,
      signingDate: new Date(clock.now()),
    });
    return { method: 'POST', url, headers: signed, body };
  }

  // Only Claude on InvokeModel: Converse models would need Converse's own count input, and few of them count.
  const countTokens: TokenCounting = {
    supports: (target) => chooseBedrockApi(target) === 'invoke' && countingModelId(target.model) !== undefined,
    buildRequest: (request, target) =>
      authorized(
        target,
        operationUrl(target, 'count-tokens', countingModelId(target.model)),
        unsignedHeaders(target, 'invoke', false),
        JSON.stringify(buildBedrockCountTokensBody(request, target.model)),
      ),
    parseResponse: readBedrockInputTokens,
  };

  return {
    provider: 'bedrock',
    relay: bedrockRelayLane,
    countTokens,
    async buildRequest(request: CanonicalRequest, target: DeploymentTarget): Promise<WireRequest> {
      const api = chooseBedrockApi(target);
      const url = bedrockUrl(target, api, request.stream);
      const { body, bridged } = requestBody(request, target, api);
      const wire = await authorized(target, url, unsignedHeaders(target, api, request.stream), body);
      return bridged === undefined ? wire : { ...wire, bridged };
    },
    parseResponse: parseBedrockResponse,
    parseStream: (body: AsyncIterable<Uint8Array>, request: CanonicalRequest) => convertBedrockStream(body, request),
    parseError: (status: number, headers: WireHeaders, bodyText: string) =>
      parseBedrockError(status, headers, bodyText),
  };
}

export const bedrockAdapter: ProviderAdapter = createBedrockAdapter();
