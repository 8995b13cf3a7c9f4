// Which provider and failure domains each deployment belongs to: what the detector groups incidents
// by. Built from the configuration; a deployment it does not list (added at runtime) learns its
// provider from the first attempt seen and belongs to no domain.

export interface DeploymentPlacement {
  id: string;
  provider: string;
  domains: readonly string[];
}

export class DeploymentTopology {
  private readonly placements = new Map<string, DeploymentPlacement>();
  private readonly domainMembers = new Map<string, string[]>();

  constructor(deployments: readonly DeploymentPlacement[]) {
    for (const deployment of deployments) this.add(deployment);
  }

  /** Records a deployment's provider when the configuration did not list it. */
  learn(id: string, provider: string): void {
    if (!this.placements.has(id)) this.add({ id, provider, domains: [] });
  }

  providerOf(id: string): string | undefined {
    return this.placements.get(id)?.provider;
  }

  domainsOf(id: string): readonly string[] {
    return this.placements.get(id)?.domains ?? [];
  }

  membersOfDomain(name: string): readonly string[] {
    return this.domainMembers.get(name) ?? [];
  }

  deploymentsOfProvider(provider: string): string[] {
    return [...this.placements.values()]
      .filter((placement) => placement.provider === provider)
      .map((placement) => placement.id);
  }

  private add(deployment: DeploymentPlacement): void {
    this.placements.set(deployment.id, { ...deployment, domains: [...deployment.domains] });
    for (const name of deployment.domains) {
      const members = this.domainMembers.get(name) ?? [];
      if (!members.includes(deployment.id)) members.push(deployment.id);
      this.domainMembers.set(name, members);
    }
  }
}
