// What the detector reads of health, straight from the tracker's own snapshot (states, since when and
// why, each deployment's failure domains, each domain's members): no copy of health's state is kept
// here. A reading is taken once per evaluation, so one decision sees one consistent picture. Which
// provider serves a deployment is configuration, not health, and comes with the placements.
import type { DeploymentState } from '../health/deployment-state.js';
import type { DeploymentHealthSnapshot, DomainSnapshot, HealthSnapshot } from '../health/health-snapshot.js';

/** A configured deployment: its provider and failure domains. */
export interface DeploymentPlacement {
  id: string;
  provider: string;
  domains: readonly string[];
}

/** Health as the detector needs it: the HealthTracker. */
export interface HealthSource {
  snapshot(): HealthSnapshot;
}

export interface Condition {
  state: string;
  since: number;
  reason: string;
}

const failingStates: ReadonlySet<string> = new Set<DeploymentState>(['ejected', 'probing', 'degraded']);

/** Ejected, probing or degraded. Isolation is an operator's choice, not a failure. */
export function isFailingState(state: string): boolean {
  return failingStates.has(state);
}

export class HealthReading {
  private readonly deployments: Map<string, DeploymentHealthSnapshot>;
  private readonly domains: Map<string, DomainSnapshot>;

  constructor(
    snapshot: HealthSnapshot,
    private readonly providers: ReadonlyMap<string, string>,
    private readonly now: number,
  ) {
    this.deployments = new Map(snapshot.deployments.map((deployment) => [deployment.id, deployment]));
    this.domains = new Map(snapshot.domains.map((domain) => [domain.name, domain]));
  }

  /** A deployment health does not track reads as healthy since now. */
  deployment(id: string): Condition {
    const deployment = this.deployments.get(id);
    return deployment
      ? { state: deployment.state, since: deployment.since, reason: deployment.reason }
      : { state: 'healthy', since: this.now, reason: '' };
  }

  domain(name: string): Condition | undefined {
    const domain = this.domains.get(name);
    if (!domain) return undefined;
    const reason = `${domain.affected.length} of ${domain.members.length} members ejected or failing: ${domain.affected.join(', ')}`;
    return { state: domain.state, since: domain.since, reason };
  }

  isFailing(deploymentId: string): boolean {
    return isFailingState(this.deployments.get(deploymentId)?.state ?? 'healthy');
  }

  failingDeployments(): string[] {
    return [...this.deployments.values()].filter((deployment) => isFailingState(deployment.state)).map((d) => d.id);
  }

  degradedDomains(): Array<[string, Condition]> {
    return [...this.domains.keys()]
      .map((name): [string, Condition] => [name, this.domain(name)!])
      .filter(([, condition]) => condition.state === 'degraded');
  }

  membersOfDomain(name: string): readonly string[] {
    return this.domains.get(name)?.members ?? [];
  }

  domainsOf(deploymentId: string): readonly string[] {
    return this.deployments.get(deploymentId)?.domains ?? [];
  }

  providerOf(deploymentId: string): string | undefined {
    return this.providers.get(deploymentId);
  }

  deploymentsOfProvider(provider: string): string[] {
    return [...this.providers].filter(([, name]) => name === provider).map(([id]) => id);
  }
}
