// What health shows about itself (GET /admin/health): one entry per deployment and per failure domain.
// Absent times and figures are null rather than missing, so the JSON shape is stable.
import type { FailureKind } from '../canonical/errors.js';
import type { DeploymentState, DomainState } from './deployment-state.js';
import type { WindowView } from './outcome-window.js';

export interface DeploymentHealthSnapshot {
  id: string;
  state: DeploymentState;
  reason: string;
  since: number;
  domains: string[];
  /** Window figures (over all replicas once counts are shared). */
  attempts: number;
  requests: number;
  failureRate: number;
  failuresByKind: Partial<Record<FailureKind, number>>;
  consecutiveFailures: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  timeToFirstTokenP50Ms: number | null;
  timeToFirstTokenP95Ms: number | null;
  ejectionCount: number;
  ejectedUntil: number | null;
  /** When probing starts (ejected), so when the next trial request may go. */
  nextProbeAt: number | null;
  probesInFlight: number;
  /** A rate-limit cool-down in force: not an outage, but nothing is sent until then. */
  coolDownUntil: number | null;
  /** Requests in flight that have not yet had a first token. */
  waitingForFirstToken: number;
  /** The p99 time to first token health last learned (kept while the window is empty). */
  learnedTimeToFirstTokenP99Ms: number | null;
  /** How long a request may wait for a first token before the deployment is suspect. */
  suspectAfterMs: number;
}

export interface DomainSnapshot {
  name: string;
  state: DomainState;
  members: string[];
  /** Members currently ejected, probing or degraded. */
  affected: string[];
  since: number;
}

export interface HealthSnapshot {
  deployments: DeploymentHealthSnapshot[];
  domains: DomainSnapshot[];
}

/** What a deployment's breaker knows, as it hands it over to be shown. */
export interface DeploymentFacts {
  id: string;
  state: DeploymentState;
  reason: string;
  since: number;
  domains: readonly string[];
  window: WindowView;
  consecutiveFailures: number;
  ejectionCount: number;
  /** When the current (or last) ejection ends. */
  ejectionEndsAt: number | undefined;
  probesInFlight: number;
  coolDownUntil: number | undefined;
  waitingForFirstToken: number;
  learnedTimeToFirstTokenP99Ms: number | undefined;
  suspectAfterMs: number;
}

/** The snapshot of one deployment: ejection times only while ejected, probes only while probing. */
export function deploymentSnapshot(facts: DeploymentFacts): DeploymentHealthSnapshot {
  const { window: view } = facts;
  const ejected = facts.state === 'ejected';
  return {
    id: facts.id,
    state: facts.state,
    reason: facts.reason,
    since: facts.since,
    domains: [...facts.domains],
    attempts: view.attempts,
    requests: view.requests,
    failureRate: view.failureRate,
    failuresByKind: { ...view.failuresByKind },
    consecutiveFailures: facts.consecutiveFailures,
    latencyP50Ms: view.latency?.p50 ?? null,
    latencyP95Ms: view.latency?.p95 ?? null,
    timeToFirstTokenP50Ms: view.timeToFirstToken?.p50 ?? null,
    timeToFirstTokenP95Ms: view.timeToFirstToken?.p95 ?? null,
    ejectionCount: facts.ejectionCount,
    ejectedUntil: ejected ? (facts.ejectionEndsAt ?? null) : null,
    nextProbeAt: ejected ? (facts.ejectionEndsAt ?? null) : null,
    probesInFlight: facts.state === 'probing' ? facts.probesInFlight : 0,
    coolDownUntil: facts.coolDownUntil ?? null,
    waitingForFirstToken: facts.waitingForFirstToken,
    learnedTimeToFirstTokenP99Ms: facts.learnedTimeToFirstTokenP99Ms ?? null,
    suspectAfterMs: facts.suspectAfterMs,
  };
}
