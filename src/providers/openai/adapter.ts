// The Chat Completions adapters: OpenAI, Azure OpenAI and OpenAI-compatible servers (vLLM, Ollama,
// LM Studio, llama.cpp) share one implementation; dialect.ts holds where they differ. This file
// knows URLs and headers; the conversions live beside it, one concern per file.
import type { CanonicalRequest } from '../../canonical/request.js';
import type { DeploymentTarget, ProviderAdapter, WireHeaders, WireRequest } from '../adapter.js';
import { systemRandom, type Random } from '../../util/random.js';
import { openAIBodyText } from './convert-request.js';
import { convertOpenAIResponse } from './convert-response.js';
import { convertOpenAIStream } from './convert-stream.js';
import type { OpenAIDialect } from './dialect.js';
import { parseOpenAIError } from './openai-error.js';
import { openAIRelayLane } from '../relay/relay-lanes.js';

export interface OpenAIAdapterOptions {
  /** Source of synthetic tool-call ids for upstreams that send none. */
  random?: Random;
}

function withoutTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Azure's two APIs (docs/protocols/azure-and-compatible.md §5): with an api-version, the dated API that names the
 * deployment in the path; without one, the v1 API that takes the deployment name as `model`.
 * A base URL that already ends in /openai or /openai/v1 is accepted as well.
 */
export function azureChatCompletionsUrl(baseUrl: string, deployment: string, apiVersion: string | undefined): string {
  const base = withoutTrailingSlashes(baseUrl);
  if (apiVersion) {
    const resource = base.replace(/\/openai(\/v1)?$/, '');
    const version = encodeURIComponent(apiVersion);
    return `${resource}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${version}`;
  }
  if (base.endsWith('/openai/v1')) return `${base}/chat/completions`;
  if (base.endsWith('/openai')) return `${base}/v1/chat/completions`;
  return `${base}/openai/v1/chat/completions`;
}

function chatCompletionsUrl(dialect: OpenAIDialect, target: DeploymentTarget): string {
  if (dialect === 'azure') return azureChatCompletionsUrl(target.baseUrl, target.model, target.apiVersion);
  return `${withoutTrailingSlashes(target.baseUrl)}/chat/completions`;
}

/** Headers of the deployment only: nothing from the client's request ever reaches the upstream. */
function upstreamHeaders(dialect: OpenAIDialect, target: DeploymentTarget, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  // Lower-cased so that a configured header replaces ours instead of travelling beside it.
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  if (target.apiKey) {
    if (dialect === 'azure') headers['api-key'] = target.apiKey;
    else headers.authorization = `Bearer ${target.apiKey}`;
  }
  return headers;
}

export function createOpenAIAdapter(dialect: OpenAIDialect, options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const context = { provider: dialect, random: options.random ?? systemRandom };
  return {
    provider: dialect,
    relay: openAIRelayLane(dialect),
    buildRequest(request: CanonicalRequest, target: DeploymentTarget): WireRequest {
      return {
        method: 'POST',
        url: chatCompletionsUrl(dialect, target),
        headers: upstreamHeaders(dialect, target, request.stream),
        body: openAIBodyText(request, target.model, dialect),
      };
    },
    parseResponse: (body: unknown, request: CanonicalRequest) => convertOpenAIResponse(body, request, context),
    parseStream: (body: AsyncIterable<Uint8Array>, request: CanonicalRequest) =>
      convertOpenAIStream(body, request, context),
    parseError: (status: number, headers: WireHeaders, bodyText: string) =>
      parseOpenAIError(dialect, status, headers, bodyText),
  };
}

export const openaiAdapter: ProviderAdapter = createOpenAIAdapter('openai');
export const azureAdapter: ProviderAdapter = createOpenAIAdapter('azure');
export const openaiCompatibleAdapter: ProviderAdapter = createOpenAIAdapter('openai-compatible');
