// The only two calls the request path makes into health: admit before an attempt, record after it.
import type { AttemptOutcome } from '../canonical/attempt.js';

export interface HealthGate {
  /** May an attempt go to this deployment now? */
  admit(deploymentId: string): boolean;
  /** Reports how an attempt ended. */
  record(deploymentId: string, outcome: AttemptOutcome): void;
  /**
   * Candidate order for one request (healthy first, ejected left out, a degraded failure domain
   * last, a panic pick when nothing is left). Without it, the policy's order is used as it is.
   */
  order?(deploymentIds: readonly string[]): string[];
  /** Recent median latency figures, for the latency routing policy. */
  recentLatency?(deploymentId: string): { timeToFirstTokenP50Ms?: number; latencyP50Ms?: number };
}

/** Admits everything and learns nothing: the behaviour before health tracking is configured. */
export const admitAll: HealthGate = {
  admit: () => true,
  record: () => {},
};
