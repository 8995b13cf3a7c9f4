// One attempt (one call to one deployment) as every part of the gateway sees it. The attempt loop
// builds it; health learns from its outcome part; observability and incidents extend it with where and
// when it happened. Nothing else declares these fields again.
import type { OutcomeKind } from './errors.js';

/** Why an attempt was started: the request's first, a retry or failover after a failure, a hedge beside
 *  a slow one, or the continuation of a stream that broke after content. */
export type AttemptRole = 'first' | 'retry' | 'failover' | 'hedge' | 'continuation';

export interface Attempt {
  deployment: string;
  kind: OutcomeKind;
  /**
   * Time the upstream had the attempt: from when the request left on a connection to the end of the
   * attempt (from the attempt's start when it never left).
   */
  latencyMs: number;
  /** Time from when the request left on a connection to the first content event (streams) or the full answer. */
  timeToFirstTokenMs?: number;
  /**
   * Time the attempt waited for a connection (or for the gateway's own event loop) before its request
   * left: the gateway's time, never charged to the deployment.
   */
  connectionWaitMs?: number;
  /** Upstream HTTP status, when there was an answer. */
  status?: number;
  /** How long the upstream asked us to wait (retry-after). */
  retryAfterMs?: number;
  /** A short, credential-free description of a failure. */
  message?: string;
  role?: AttemptRole;
}

/** What health learns from an attempt of a deployment it already knows. */
export type AttemptOutcome = Omit<Attempt, 'deployment'>;

/** What a client error body and the admin API show of an attempt. */
export type AttemptSummary = Pick<Attempt, 'deployment' | 'kind' | 'status' | 'message'>;

/** Longest failure message carried by an attempt (error bodies, channels, incident evidence). */
export const attemptMessageLength = 300;
