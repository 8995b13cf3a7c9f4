// The detector's incidents: open ones by scope key (the key is what keeps a flapping scope to one
// incident) and recently resolved ones (which can still take a status-page acknowledgement), with
// the lookups the detector needs across them.
import { scopeKeyOf, type ScopeRef } from './incident.js';
import type { TrackedIncident } from './tracked-incident.js';

export class IncidentBook {
  private readonly open = new Map<string, TrackedIncident>();
  private resolved: TrackedIncident[] = [];

  openAt(ref: ScopeRef): TrackedIncident | undefined {
    return this.open.get(scopeKeyOf(ref));
  }

  openIncidents(): TrackedIncident[] {
    return [...this.open.values()];
  }

  resolvedIncidents(): readonly TrackedIncident[] {
    return this.resolved;
  }

  add(incident: TrackedIncident): void {
    this.open.set(incident.scopeKey, incident);
  }

  /** Moves an incident the detector has just resolved from the open ones to the resolved ones. */
  moveToResolved(incident: TrackedIncident): void {
    this.open.delete(incident.scopeKey);
    this.resolved.push(incident);
  }

  hasOpenChild(parent: TrackedIncident): boolean {
    return this.openIncidents().some((child) => child.parent === parent);
  }

  resolvedChildren(parent: TrackedIncident): TrackedIncident[] {
    return this.resolved.filter((child) => child.parent === parent);
  }

  /** Open incidents whose members include the deployment (its own, and a domain or provider incident over it). */
  covering(deploymentId: string): TrackedIncident[] {
    return this.openIncidents().filter((incident) => incident.members.has(deploymentId));
  }

  findById(id: string): TrackedIncident | undefined {
    return [...this.open.values(), ...this.resolved].find((candidate) => candidate.id === id);
  }

  /** The incident a status page's acknowledgement of `target` is about: open first, else recently resolved. */
  findForAcknowledgement(target: ScopeRef): TrackedIncident | undefined {
    const key = scopeKeyOf(target);
    const direct = this.open.get(key);
    if (direct) return direct;
    // A page component mapped to a deployment whose trouble a domain or provider incident tracks.
    if (target.scope === 'deployment') {
      const covering = this.covering(target.key);
      if (covering.length > 0) return covering.find((incident) => incident.parent === null) ?? covering[0];
    }
    return [...this.resolved]
      .reverse()
      .find(
        (incident) => incident.scopeKey === key || (target.scope === 'deployment' && incident.members.has(target.key)),
      );
  }

  /** Forgets incidents resolved longer ago than the lookback; returns the ones forgotten. */
  forgetResolvedBefore(now: number, lookbackMs: number): TrackedIncident[] {
    const forgotten: TrackedIncident[] = [];
    this.resolved = this.resolved.filter((incident) => {
      const kept = now - (incident.resolvedAt ?? now) <= lookbackMs;
      if (!kept) forgotten.push(incident);
      return kept;
    });
    return forgotten;
  }
}
