// What each outcome kind means: does it count against the deployment's health, may the same
// deployment be retried, may another deployment serve the request. One table, used by the
// attempt loop and by health, so the two can never disagree.
import type { OutcomeKind } from '../canonical/errors.js';

export interface OutcomePolicy {
  /** Upstream-origin failure: counts toward ejection. */
  countsAgainstHealth: boolean;
  /** Retrying the same deployment may help (after backoff). */
  retrySameDeployment: boolean;
  /** Another deployment may serve the request. */
  failover: boolean;
}

export const outcomePolicies: Record<OutcomeKind, OutcomePolicy> = {
  success: { countsAgainstHealth: false, retrySameDeployment: false, failover: false },
  connect: { countsAgainstHealth: true, retrySameDeployment: true, failover: true },
  // A timeout already burned its share of the deadline: move on rather than wait again.
  timeout: { countsAgainstHealth: true, retrySameDeployment: false, failover: true },
  'first-token-timeout': { countsAgainstHealth: true, retrySameDeployment: false, failover: true },
  // Rate limits are a cool-down, not an outage (health decides how to treat them).
  'rate-limited': { countsAgainstHealth: false, retrySameDeployment: true, failover: true },
  overloaded: { countsAgainstHealth: true, retrySameDeployment: true, failover: true },
  server: { countsAgainstHealth: true, retrySameDeployment: true, failover: true },
  'stream-interrupted': { countsAgainstHealth: true, retrySameDeployment: true, failover: true },
  // A revoked provider key: this deployment is broken, another may be fine.
  auth: { countsAgainstHealth: true, retrySameDeployment: false, failover: true },
  'not-found': { countsAgainstHealth: true, retrySameDeployment: false, failover: true },
  'invalid-request': { countsAgainstHealth: false, retrySameDeployment: false, failover: false },
  // Fails over only to a deployment with a larger context window (decided by the attempt loop).
  'context-length': { countsAgainstHealth: false, retrySameDeployment: false, failover: true },
  'content-filter': { countsAgainstHealth: false, retrySameDeployment: false, failover: false },
  'client-aborted': { countsAgainstHealth: false, retrySameDeployment: false, failover: false },
  // Stopped by the gateway itself (a hedge answered first): says nothing about the upstream.
  abandoned: { countsAgainstHealth: false, retrySameDeployment: false, failover: false },
  // "This platform does not take that beta / field / feature": the next deployment may; this one is fine.
  'unsupported-feature': { countsAgainstHealth: false, retrySameDeployment: false, failover: true },
  // Our own translation bug for one provider: another provider may still serve it.
  local: { countsAgainstHealth: false, retrySameDeployment: false, failover: true },
};
