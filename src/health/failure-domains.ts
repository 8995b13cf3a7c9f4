// Failure domains: labels shared by deployments that fail together (a vendor's model layer, a cloud
// region). A domain is degraded while at least `threshold` of its members (default 2, or all of them
// when it has fewer) are ejected, probing or degraded; it recovers when fewer are. While it is
// degraded, the candidate order puts its members after every deployment outside it, so a request
// goes straight to another family instead of burning its deadline on the next copy of a dead model.
import type { HealthClock } from './outcome-window.js';
import type { DomainState, StateChange } from './deployment-state.js';
import type { DomainSnapshot } from './health-snapshot.js';

export const defaultDomainThreshold = 2;

interface Domain {
  name: string;
  members: string[];
  state: DomainState;
  affected: string[];
  since: number;
}

/** How many affected members degrade a domain of this size. */
export function requiredAffected(memberCount: number, threshold: number): number {
  return Math.max(1, Math.min(threshold, memberCount));
}

export class FailureDomains {
  private readonly domains = new Map<string, Domain>();

  constructor(
    private readonly clock: HealthClock,
    private readonly threshold = defaultDomainThreshold,
    private readonly onChange: (change: StateChange) => void = () => {},
  ) {
    if (!(Number.isInteger(threshold) && threshold >= 1)) {
      throw new RangeError(`domain threshold must be a positive integer, got ${threshold}`);
    }
  }

  /** Adds a deployment to each of its domains (domains are created on first mention). */
  addMember(deploymentId: string, domainNames: readonly string[]): void {
    for (const name of domainNames) {
      let domain = this.domains.get(name);
      if (!domain) {
        domain = { name, members: [], state: 'healthy', affected: [], since: this.clock.now() };
        this.domains.set(name, domain);
      }
      if (!domain.members.includes(deploymentId)) domain.members.push(deploymentId);
    }
  }

  /** Takes a deployment out of every domain (a config reload removed or replaced it). */
  removeMember(deploymentId: string): void {
    for (const domain of this.domains.values()) {
      domain.members = domain.members.filter((member) => member !== deploymentId);
      domain.affected = domain.affected.filter((member) => member !== deploymentId);
    }
  }

  membersOf(name: string): readonly string[] {
    return this.domains.get(name)?.members ?? [];
  }

  isDegraded(name: string): boolean {
    return this.domains.get(name)?.state === 'degraded';
  }

  /** Recomputes one domain from its members' current condition, emitting a change when its state flips. */
  evaluate(name: string, isAffected: (deploymentId: string) => boolean): void {
    const domain = this.domains.get(name);
    if (!domain) return;
    domain.affected = domain.members.filter((member) => isAffected(member));
    const required = requiredAffected(domain.members.length, this.threshold);
    const next: DomainState = domain.affected.length >= required ? 'degraded' : 'healthy';
    if (next === domain.state) return;
    const from = domain.state;
    const at = this.clock.now();
    domain.state = next;
    domain.since = at;
    const reason =
      next === 'degraded'
        ? `${domain.affected.length} of ${domain.members.length} members ejected or failing: ${domain.affected.join(', ')}`
        : `${domain.affected.length} of ${domain.members.length} members ejected or failing (fewer than ${required})`;
    // Derived independently on every replica from deployment states, so never published: always local.
    this.onChange({ kind: 'domain', id: name, from, to: next, reason, at, origin: 'local' });
  }

  names(): string[] {
    return [...this.domains.keys()];
  }

  snapshot(): DomainSnapshot[] {
    return [...this.domains.values()].map((domain) => ({
      name: domain.name,
      state: domain.state,
      members: [...domain.members],
      affected: [...domain.affected],
      since: domain.since,
    }));
  }
}
