// Observability through diagnostics_channel: the request path publishes facts, and metrics (or
// anything else) subscribes. The path never imports the metrics code, and publishing costs nothing
// when nobody listens (hasSubscribers is checked first).
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Attempt } from '../canonical/attempt.js';
import type { Usage } from '../canonical/usage.js';

/** An attempt as published: the attempt plus the route it served and the deployment's provider. */
export interface AttemptEvent extends Attempt {
  route: string;
  provider: string;
}

export interface RequestEvent {
  route: string;
  /** The client's format. */
  format: 'anthropic' | 'openai' | 'bedrock' | 'vertex';
  stream: boolean;
  /** HTTP status the client got (200 for a stream that started, even if it later failed). */
  status: number;
  /** Whether the client got a complete answer. */
  succeeded: boolean;
  deployment?: string;
  attempts: number;
  /** More than one deployment was tried. */
  failedOver: boolean;
  /** Time spent on attempts that failed before the one that served (what failover cost the client). */
  extraLatencyMs?: number;
  latencyMs: number;
  usage?: Usage;
  /** The gateway key's name (never the key), when keys are on. */
  key?: string;
}

export const attemptChannel = diagnosticsChannel.channel('switchyard:attempt');
export const requestChannel = diagnosticsChannel.channel('switchyard:request');

export function publishAttempt(event: AttemptEvent): void {
  if (attemptChannel.hasSubscribers) attemptChannel.publish(event);
}

export function publishRequest(event: RequestEvent): void {
  if (requestChannel.hasSubscribers) requestChannel.publish(event);
}

/** A request bridged to a platform that does not take all of it: what was removed or changed. */
export interface BridgedEvent {
  deployment: string;
  provider: string;
  /** `beta=<name>` / `field=<name>` entries. */
  removed: string[];
  /** `<client's>→<platform's>` entries. */
  changed: string[];
}

export const bridgedChannel = diagnosticsChannel.channel('switchyard:bridged');

export function publishBridged(event: BridgedEvent): void {
  if (bridgedChannel.hasSubscribers) bridgedChannel.publish(event);
}
