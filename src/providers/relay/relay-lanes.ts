// Which deployments speak a client's own wire format, and the tap each one's stream gets: Anthropic
// and Claude on Vertex (rawPredict) answer in Anthropic SSE, Claude on Bedrock InvokeModel in
// Anthropic events wrapped in AWS event-stream frames, and OpenAI, Azure and OpenAI-compatible
// servers in Chat Completions SSE. Bedrock Converse and Gemini never relay: their formats are no
// client's.
import type { ProviderKind } from '../../config/schema.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import { readRawSseBatches } from '../../transport/raw-sse.js';
import type { DeploymentTarget, ProviderAdapter, RelayLane } from '../adapter.js';
import { chooseBedrockApi, isClaudeModel } from '../bedrock/model-family.js';
import { vertexPublisherFor } from '../vertex/vertex-url.js';
import { relayAnthropicEvents } from './anthropic-relay-stream.js';
import { relayBedrockInvokeStream } from './bedrock-relay-stream.js';
import { relayOpenAIEvents } from './openai-relay-stream.js';

export const anthropicRelayLane: RelayLane = {
  formatOf: () => 'anthropic-messages',
  tapStream: (body) => relayAnthropicEvents(readRawSseBatches(body), 'anthropic'),
};

export const vertexRelayLane: RelayLane = {
  formatOf: (target) => (vertexPublisherFor(target.model) === 'anthropic' ? 'anthropic-messages' : undefined),
  tapStream: (body) => relayAnthropicEvents(readRawSseBatches(body), 'vertex'),
};

export const bedrockRelayLane: RelayLane = {
  formatOf: (target) =>
    chooseBedrockApi(target) === 'invoke' && isClaudeModel(target.model) ? 'anthropic-messages' : undefined,
  tapStream: relayBedrockInvokeStream,
};

export function openAIRelayLane(provider: ProviderKind): RelayLane {
  return {
    formatOf: () => 'openai-chat',
    tapStream: (body) => relayOpenAIEvents(readRawSseBatches(body), provider),
  };
}

/** True when this attempt takes the relay lane: the client reads raw answers and the deployment speaks its format. */
export function takesRelayLane(adapter: ProviderAdapter, target: DeploymentTarget, request: CanonicalRequest): boolean {
  return (
    request.original.relay === true &&
    adapter.relay !== undefined &&
    adapter.relay.formatOf(target) === request.original.format
  );
}
