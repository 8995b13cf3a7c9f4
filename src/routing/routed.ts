// What the router answers: the serving deployment, every attempt made, and a whole response, a stream
// of events, or a token count — on the relay lane, with the upstream's own body or events.
import type { Attempt } from '../canonical/attempt.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { DeploymentConfig } from '../config/schema.js';
import type { ResolvedRoute } from './resolve-route.js';

export interface RoutedBase {
  route: ResolvedRoute;
  deployment: DeploymentConfig;
  attempts: Attempt[];
  /** Set when a hedge was sent: whether it (won) or the first attempt (lost) served the request. */
  hedge?: 'won' | 'lost';
  /** The serving upstream's request id and rate-limit headers. */
  upstreamHeaders?: Record<string, string>;
}
export interface RoutedResponse extends RoutedBase {
  type: 'response';
  response: CanonicalResponse;
  /** Relay lane: the upstream's JSON body, sent to the client unchanged. */
  relayed?: string;
}
export interface RoutedStream extends RoutedBase {
  type: 'stream';
  events: AsyncIterable<CanonicalStreamEvent>;
  /** Relay lane: the events are the upstream's own (`relay` events), written unchanged. */
  relayed?: boolean;
}

/** The count of a request's input tokens, from the deployment that counted. */
export interface RoutedCount extends RoutedBase {
  type: 'count';
  inputTokens: number;
}
