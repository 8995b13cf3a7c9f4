// The provider adapter interface: canonical ↔ one provider's wire format. Adapters are pure
// translation plus error classification; the HTTP call itself is in call-deployment.ts, so nothing
// here knows about HTTP frameworks, routing or health.
import type { CanonicalRequest, ClientFormat } from '../canonical/request.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { UpstreamError } from '../canonical/errors.js';
import type { ProviderKind } from '../config/schema.js';

/** What an adapter knows of the deployment it calls. */
export interface DeploymentTarget {
  id: string;
  provider: ProviderKind;
  /** The upstream's own model id. */
  model: string;
  /** Base URL without a trailing slash (Anthropic: no /v1; OpenAI: with /v1). */
  baseUrl: string;
  apiKey?: string;
  apiVersion?: string;
  /** Bedrock and Vertex: the cloud region. */
  region?: string;
  /** Vertex: the Google Cloud project id. */
  project?: string;
  /** Bedrock: which API to call (undefined: InvokeModel for Claude models, Converse otherwise). */
  api?: 'invoke' | 'converse';
  /** Vertex: service-account JSON file (default: application default credentials). */
  credentialsFile?: string;
  /** Bedrock: named AWS profile (default: the standard credential chain). */
  awsProfile?: string;
  /** Extra headers from config. */
  headers: Record<string, string>;
  /** From config: the output-token limit, and whether reasoning parameters may be sent (bridging/). */
  maxOutputTokens?: number;
  reasoning?: boolean;
}

export type WireHeaders = Record<string, string | string[] | undefined>;

/** One upstream HTTP request, ready to send. */
export interface WireRequest {
  method: 'POST' | 'GET';
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Bridging: what was not sent because this platform does not accept it, and what was changed. */
  bridged?: BridgingReport;
}

/** `removed`: `beta=<name>` / `field=<name>` entries; `changed`: `<client's>→<platform's>` entries. */
export interface BridgingReport {
  removed: string[];
  changed: string[];
}

/**
 * The relay lane: a deployment whose wire format is the client's answers the client byte for byte,
 * and the gateway only taps what it needs beside (docs/design.md, "two lanes").
 */
export interface RelayLane {
  /** The client format this deployment speaks natively, if any (Vertex: Claude models only). */
  formatOf(target: DeploymentTarget): ClientFormat | undefined;
  /**
   * Taps a 2xx streaming body: `relay` events carrying the upstream's events as they came, then the
   * `finish` (usage, stop reason) or an `error` (with the upstream's own error event in `relayed`).
   */
  tapStream(body: AsyncIterable<Uint8Array>): AsyncIterable<CanonicalStreamEvent>;
}

/**
 * Counting a request's input tokens with the provider's own tokenizer, without running the model
 * (POST /v1/messages/count_tokens). Optional: providers without such an API, and deployments of a
 * provider whose model it cannot count, are skipped when a route counts.
 */
export interface TokenCounting {
  /** Whether this deployment can count (a provider may count for some of its models only). */
  supports(target: DeploymentTarget): boolean;
  /** Builds the counting request for the same input as buildRequest would send. */
  buildRequest(request: CanonicalRequest, target: DeploymentTarget): WireRequest | Promise<WireRequest>;
  /** Reads the count from a 2xx JSON answer. Throws UpstreamError on a body without one. */
  parseResponse(body: unknown): number;
}

export interface ProviderAdapter {
  readonly provider: ProviderKind;
  /** Present when some of this provider's deployments speak a client format natively. */
  readonly relay?: RelayLane;
  /** Present when some of this provider's deployments can count tokens (errors go through parseError). */
  readonly countTokens?: TokenCounting;
  /** Builds the upstream request (async so that adapters may sign or fetch tokens). */
  buildRequest(request: CanonicalRequest, target: DeploymentTarget): WireRequest | Promise<WireRequest>;
  /** Converts a 2xx JSON body (already parsed). Throws UpstreamError on a body it cannot read. */
  parseResponse(body: unknown, request: CanonicalRequest): CanonicalResponse;
  /**
   * Converts a 2xx streaming body into canonical events. In-band upstream errors become
   * `{type: 'error'}` events; malformed data throws UpstreamError. A body that ends before a
   * `finish` event simply ends: the caller turns that into a stream-interrupted failure.
   */
  parseStream(body: AsyncIterable<Uint8Array>, request: CanonicalRequest): AsyncIterable<CanonicalStreamEvent>;
  /** Classifies a non-2xx answer into an UpstreamError with the right kind and retry-after. */
  parseError(status: number, headers: WireHeaders, bodyText: string): UpstreamError;
}

export function headerValue(headers: WireHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
