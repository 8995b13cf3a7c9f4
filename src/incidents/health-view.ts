// The detector's view of health: each deployment's and domain's latest state (from local and remote
// state changes, applied once each), and each deployment's current failing period's evidence, kept
// from its first failed attempt so that an incident opening later starts with it.
import type { DeploymentState, StateChange } from '../health/deployment-state.js';
import { DeploymentTopology, type DeploymentPlacement } from './deployment-topology.js';
import { EvidenceAccumulator, isUpstreamFailure, type AttemptFact, type RequestFact } from './evidence-accumulator.js';
import { scrubSecrets } from '../util/scrub-secrets.js';

export interface Condition {
  state: string;
  since: number;
  reason: string;
}

interface DeploymentCondition extends Condition {
  /** The current failing period's evidence (null before the first failure). */
  run: EvidenceAccumulator | null;
}

const failingStates: ReadonlySet<string> = new Set<DeploymentState>(['ejected', 'probing', 'degraded']);

/** Ejected, probing or degraded. Isolation is an operator's choice, not a failure. */
export function isFailingState(state: string): boolean {
  return failingStates.has(state);
}

export class HealthView {
  readonly topology: DeploymentTopology;
  private readonly deployments = new Map<string, DeploymentCondition>();
  private readonly domains = new Map<string, Condition>();

  constructor(
    placements: readonly DeploymentPlacement[],
    private readonly now: () => number,
    /** A failure further than this from the previous one starts a new failing period. */
    private readonly evidenceWindowMs: number,
  ) {
    this.topology = new DeploymentTopology(placements);
  }

  /** Applies a change; returns the previous state, or undefined when it changed nothing (a duplicate). */
  apply(change: StateChange): string | undefined {
    const current = change.kind === 'deployment' ? this.deployment(change.id) : this.domains.get(change.id);
    // The same decision can arrive twice (decided here, then echoed by another replica): apply it once.
    if (current?.state === change.to) return undefined;
    const previous = current?.state ?? 'healthy';
    const next = { state: change.to, since: change.at, reason: scrubSecrets(change.reason) };
    if (current) Object.assign(current, next);
    else this.domains.set(change.id, next);
    return previous;
  }

  deployment(id: string): DeploymentCondition {
    let condition = this.deployments.get(id);
    if (!condition) {
      condition = { state: 'healthy', since: this.now(), reason: '', run: null };
      this.deployments.set(id, condition);
    }
    return condition;
  }

  domain(name: string): Readonly<Condition> | undefined {
    return this.domains.get(name);
  }

  isFailing(deploymentId: string): boolean {
    return isFailingState(this.deployments.get(deploymentId)?.state ?? 'healthy');
  }

  failingDeployments(): string[] {
    return [...this.deployments].filter(([, condition]) => isFailingState(condition.state)).map(([id]) => id);
  }

  degradedDomains(): Array<[string, Readonly<Condition>]> {
    return [...this.domains].filter(([, condition]) => condition.state === 'degraded');
  }

  /**
   * Adds an attempt to its deployment's failing period. A failure long after the previous one starts
   * a new period, unless the deployment is still failing or `stillTracked` (an incident covers it).
   */
  recordAttempt(fact: AttemptFact, stillTracked: boolean): void {
    this.topology.learn(fact.deployment, fact.provider);
    const condition = this.deployment(fact.deployment);
    if (isUpstreamFailure(fact.kind)) {
      const last = condition.run?.lastFailedAt ?? null;
      const stale = last !== null && fact.at - last > this.evidenceWindowMs;
      if (!condition.run || (stale && !isFailingState(condition.state) && !stillTracked))
        condition.run = new EvidenceAccumulator();
    }
    condition.run?.recordAttempt(fact);
  }

  /** Adds a request to the failing periods of deployments that failed on its route recently. */
  recordRequest(fact: RequestFact): void {
    for (const [id, condition] of this.deployments) {
      if (condition.run?.hasRoute(fact.route) && this.isRunActive(id, fact.at)) {
        condition.run.recordRequest(fact, (deployment) => deployment === id);
      }
    }
  }

  /** The deployment's failing-period evidence, when the period is still going on at `now`. */
  activeRun(deploymentId: string, now: number): EvidenceAccumulator | undefined {
    return this.isRunActive(deploymentId, now) ? (this.deployments.get(deploymentId)?.run ?? undefined) : undefined;
  }

  private isRunActive(deploymentId: string, now: number): boolean {
    const condition = this.deployments.get(deploymentId);
    const last = condition?.run?.lastFailedAt ?? null;
    if (!condition?.run) return false;
    return isFailingState(condition.state) || (last !== null && now - last <= this.evidenceWindowMs);
  }
}
