// The only two calls the request path makes into health: admit before an attempt, record after it.
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { Percentiles } from './latency-histogram.js';

/**
 * An admitted attempt's place in its deployment's fleet-wide run of failures (shared health only):
 * `reservation` names the slot it holds while a run is open, given back when it shows content or ends.
 */
export interface AttemptSlot {
  readonly reservation?: string;
}

/** The slot of an attempt that holds none: no shared health, or no run open when it was sent. */
export const unreservedSlot: AttemptSlot = Object.freeze({});

/** One attempt in flight, as health follows it: first content, then its end (before record). */
export interface InFlightAttempt {
  firstContent(): void;
  end(): void;
  /** The gateway stopped it because another attempt answered first: it still waited without content. */
  abandon?(): void;
}

export interface HealthGate {
  /** May an attempt go to this deployment now? */
  admit(deploymentId: string): boolean;
  /** Reports how an attempt ended (and gives back its slot, when it held one). */
  record(deploymentId: string, outcome: AttemptOutcome, slot?: AttemptSlot): void;
  /**
   * Replicas sharing health: after admit, a fleet-wide slot for the attempt. Undefined when the
   * deployment's fleet-wide run of failures, with the attempts already sent into it, reaches the run
   * that ejects: the attempt must not be sent (its admit is given back). Synchronous when nothing has
   * to be asked (no shared health). `ownAdmit: false` for a retry, sent on its first attempt's admit:
   * refused, it has no admit of its own to give back.
   */
  reserve?(deploymentId: string, ownAdmit?: boolean): AttemptSlot | undefined | Promise<AttemptSlot | undefined>;
  /**
   * An admitted attempt that will not be sent after all (its client left while its fleet slot was being
   * reserved): its admit and its slot go back, and nothing is counted.
   */
  giveBack?(deploymentId: string, slot: AttemptSlot): void;
  /**
   * Candidate order for one request (healthy first, ejected left out, a degraded failure domain
   * last, a panic pick when nothing is left). Without it, the policy's order is used as it is.
   */
  order?(deploymentIds: readonly string[]): string[];
  /**
   * An attempt was sent: health counts it as waiting until it shows content, so a deployment whose
   * requests wait far longer than usual is suspect before any of them times out. `patient` attempts
   * (long thinking) are expected to wait: neither watched nor learned from; non-streaming ones
   * (`stream: false`) are not watched, and teach the usual time to a whole answer. Its `slot` (from
   * reserve) is given back at first content.
   */
  start?(deploymentId: string, options?: { patient?: boolean; stream?: boolean; slot?: AttemptSlot }): InFlightAttempt;
  /** The learned time-to-first-token percentiles, for hedging and the adaptive first-token limit. */
  firstTokenFigures?(deploymentId: string): Percentiles | undefined;
  /** The learned time to a whole non-streaming answer, for hedging non-streaming requests. */
  wholeAnswerFigures?(deploymentId: string): Percentiles | undefined;
  /**
   * Why the deployment is out of rotation now (ejected, isolated, or held back beside a hung co-member
   * of its failure domain), or undefined while it may serve.
   */
  outOfRotation?(deploymentId: string): string | undefined;
  /** Recent median latency figures, for the latency routing policy. */
  recentLatency?(deploymentId: string): { timeToFirstTokenP50Ms?: number; latencyP50Ms?: number };
}

/** Admits everything and learns nothing: the behaviour before health tracking is configured. */
export const admitAll: HealthGate = {
  admit: () => true,
  record: () => {},
};
