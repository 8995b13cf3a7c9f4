// The only two calls the request path makes into health: admit before an attempt, record after it.
import type { OutcomeKind } from '../canonical/errors.js';

export interface AttemptOutcome {
  kind: OutcomeKind;
  /** Time from attempt start to the end of the attempt. */
  latencyMs: number;
  /** Time from attempt start to the first content event (streams) or the full answer. */
  timeToFirstTokenMs?: number;
  status?: number;
  retryAfterMs?: number;
}

export interface HealthGate {
  /** May an attempt go to this deployment now? */
  admit(deploymentId: string): boolean;
  /** Reports how an attempt ended. */
  record(deploymentId: string, outcome: AttemptOutcome): void;
}

/** Admits everything and learns nothing: the behaviour before health tracking is configured. */
export const admitAll: HealthGate = {
  admit: () => true,
  record: () => {},
};
