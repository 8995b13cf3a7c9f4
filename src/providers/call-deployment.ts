// One attempt: build the wire request with the deployment's adapter, send it through the
// deployment's undici pool, and hand back a canonical response, a canonical event stream, or (when
// the attempt counts tokens, through the adapter's optional TokenCounting) a count.
// Every failure leaves here as an UpstreamError with its outcome kind.
import type { Dispatcher } from 'undici';
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import { UpstreamError } from '../canonical/errors.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import type { BridgingReport, DeploymentTarget, ProviderAdapter, TokenCounting, WireRequest } from './adapter.js';
import { fitRequestToDeployment } from './bridging/fit-request.js';
import { publishBridged } from '../observability/channels.js';
import { takesRelayLane } from './relay/relay-lanes.js';
import { relayedHeaders } from './relay/relayed-headers.js';

interface AnswerBase {
  /** The upstream's request id and rate-limit headers, relayed to the client (relayed-headers.ts). */
  upstreamHeaders?: Record<string, string>;
}
import { classifyTransportError, streamEndedEarly } from './attempt-failure.js';

export type AttemptAnswer =
  | (AnswerBase & {
      type: 'response';
      response: CanonicalResponse;
      /** Relay lane: the upstream's JSON body as it came, which the client receives unchanged. */
      relayed?: string;
    })
  /** On the relay lane the events are the upstream's own (`relay` events) beside the tapped finish. */
  | (AnswerBase & { type: 'stream'; events: AsyncIterable<CanonicalStreamEvent>; relayed?: boolean })
  /** A token count (POST /v1/messages/count_tokens and its Vertex form). */
  | (AnswerBase & { type: 'count'; inputTokens: number });

/** What an attempt asks of the deployment: an answer (streamed or not), or the count of its input tokens. */
export type AttemptOperation = 'generate' | 'count-tokens';

/** The adapter's counting for this deployment, when it has one. */
export function tokenCountingFor(adapter: ProviderAdapter, target: DeploymentTarget): TokenCounting | undefined {
  return adapter.countTokens?.supports(target) === true ? adapter.countTokens : undefined;
}

export interface CallDeploymentOptions {
  adapter: ProviderAdapter;
  target: DeploymentTarget;
  request: CanonicalRequest;
  pools: UpstreamPools;
  /** Aborted with an AbortReason on timeout or client disconnect. */
  signal: AbortSignal;
  /** Default: generate. */
  operation?: AttemptOperation;
  /**
   * Called when the request leaves on a connection: from then on the upstream has it (the attempt's
   * first-token limit starts there; any wait before it is the gateway's).
   */
  onDispatched?: () => void;
}

export type CallDeployment = (options: CallDeploymentOptions) => Promise<AttemptAnswer>;

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  return body.text();
}

/** Reads what is left of a finished stream off the request path, so the connection can be reused. */
function drainInBackground(iterator: AsyncIterator<CanonicalStreamEvent>, body: Dispatcher.ResponseData['body']): void {
  void (async () => {
    try {
      for (;;) if ((await iterator.next()).done) return;
    } catch {
      body.destroy();
    }
  })();
}

/** Ends the event stream with a failure when the upstream stopped without a finish or error. */
async function* guardStream(
  events: AsyncIterable<CanonicalStreamEvent>,
  body: Dispatcher.ResponseData['body'],
  signal: AbortSignal,
): AsyncGenerator<CanonicalStreamEvent> {
  const iterator = events[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let step: IteratorResult<CanonicalStreamEvent>;
      try {
        step = await iterator.next();
      } catch (error) {
        throw classifyTransportError(error, signal, 'body');
      }
      if (step.done) break;
      if (step.value.type === 'finish') {
        finished = true;
        drainInBackground(iterator, body);
        yield step.value;
        return;
      }
      yield step.value;
      if (step.value.type === 'error') return;
    }
  } finally {
    // Stopped early (error, abort, consumer gone): release the socket rather than read on.
    if (!finished) body.destroy();
  }
  throw streamEndedEarly(signal);
}

/** Parsed upstream URLs: a deployment sends every request to the same few, so each is parsed once. */
const parsedUrls = new Map<string, { origin: string; path: string }>();

function originAndPath(text: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(text);
  if (!parsed) {
    const url = new URL(text);
    parsed = { origin: url.origin, path: `${url.pathname}${url.search}` };
    // Bounded: a configuration with very many distinct URLs starts afresh rather than growing.
    if (parsedUrls.size >= 1_000) parsedUrls.clear();
    parsedUrls.set(text, parsed);
  }
  return parsed;
}

/** The client-visible trace of bridging: `x-switchyard-removed` on the answer, and a fact for the debug log. */
function reportBridging(wire: WireRequest, target: DeploymentTarget): Record<string, string> {
  const bridged = wire.bridged;
  if (bridged === undefined || (bridged.removed.length === 0 && bridged.changed.length === 0)) return {};
  publishBridged({ deployment: target.id, provider: target.provider, ...bridged });
  return bridged.removed.length > 0 ? { 'x-switchyard-removed': bridged.removed.join(',') } : {};
}

/**
 * A request the deployment receives translated from another format is fitted to its model first
 * (bridging/fit-request.ts); a same-format client's own body is forwarded, so it is left alone.
 */
function fitted(adapter: ProviderAdapter, target: DeploymentTarget, request: CanonicalRequest) {
  if (adapter.relay?.formatOf(target) === request.original.format) return { request, report: undefined };
  return fitRequestToDeployment(request, target);
}

function mergeReports(
  first: BridgingReport | undefined,
  second: BridgingReport | undefined,
): BridgingReport | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return { removed: [...first.removed, ...second.removed], changed: [...first.changed, ...second.changed] };
}

/** The wire request of the operation; a deployment that cannot count is the router's mistake, never sent. */
async function buildWireRequest(
  adapter: ProviderAdapter,
  target: DeploymentTarget,
  request: CanonicalRequest,
  counting: TokenCounting | undefined,
  operation: AttemptOperation,
): Promise<WireRequest> {
  if (operation === 'generate') return adapter.buildRequest(request, target);
  if (counting === undefined)
    throw new UpstreamError({ kind: 'local', message: `deployment ${target.id} cannot count tokens` });
  return counting.buildRequest(request, target);
}

export const callDeployment: CallDeployment = async ({
  adapter,
  target,
  request: asked,
  pools,
  signal,
  operation = 'generate',
  onDispatched,
}) => {
  // Token counting asks about the request as the client sent it; only generation is fitted.
  const { request, report } =
    operation === 'generate' ? fitted(adapter, target, asked) : { request: asked, report: undefined };
  const counting = operation === 'count-tokens' ? tokenCountingFor(adapter, target) : undefined;
  let wire: WireRequest;
  try {
    wire = await buildWireRequest(adapter, target, request, counting, operation);
    wire = { ...wire, bridged: mergeReports(report, wire.bridged) };
  } catch (error) {
    // Signing or token errors are the adapters' to classify; anything else is our own bug.
    if (UpstreamError.isInstance(error)) throw error;
    throw new UpstreamError({
      kind: 'local',
      message: `could not build the ${target.provider} request: ${String(error)}`,
      cause: error,
    });
  }
  const removedHeader = reportBridging(wire, target);
  const url = originAndPath(wire.url);
  let answer: Dispatcher.ResponseData;
  try {
    answer = await pools.request(url.origin, {
      method: wire.method,
      path: url.path,
      headers: wire.headers,
      ...(wire.body === undefined ? {} : { body: wire.body }),
      signal,
      ...(onDispatched ? { onDispatched } : {}),
    });
  } catch (error) {
    throw classifyTransportError(error, signal, 'connect');
  }

  const { statusCode, headers, body } = answer;
  const relaying = operation === 'generate' && takesRelayLane(adapter, target, request);
  if (statusCode < 200 || statusCode >= 300) {
    let text = '';
    try {
      text = await readText(body);
    } catch (error) {
      throw classifyTransportError(error, signal, 'body');
    }
    const error = adapter.parseError(statusCode, headers, text);
    // Same format: an error that reaches the client reaches it as the upstream sent it.
    if (relaying) error.relayed = { status: statusCode, body: text, headers: relayedHeaders(headers) };
    throw error;
  }

  const upstreamHeaders = { ...relayedHeaders(headers), ...removedHeader };
  if (request.stream && operation === 'generate') {
    const events = relaying ? adapter.relay!.tapStream(body) : adapter.parseStream(body, request);
    return { type: 'stream', events: guardStream(events, body, signal), relayed: relaying, upstreamHeaders };
  }

  let text: string;
  try {
    text = await readText(body);
  } catch (error) {
    throw classifyTransportError(error, signal, 'body');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UpstreamError({
      kind: 'server',
      message: `${target.provider} answered ${statusCode} with a body that is not JSON`,
      providerCode: 'malformed_response',
      cause: error,
    });
  }
  if (counting !== undefined) return { type: 'count', inputTokens: counting.parseResponse(parsed), upstreamHeaders };
  const response = adapter.parseResponse(parsed, request);
  return relaying
    ? { type: 'response', response, relayed: text, upstreamHeaders }
    : { type: 'response', response, upstreamHeaders };
};
