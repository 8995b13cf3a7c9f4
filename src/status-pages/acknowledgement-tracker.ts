// Decides, poll after poll, when a provider's status page has acknowledged trouble on what we route
// to: an unresolved incident listing a mapped component (acknowledged at the incident's created_at),
// or a mapped component that is not operational without such an incident (acknowledged when we first
// saw it so). Each provider incident is announced once, and again only for targets that join it later;
// a component once per non-operational stretch. Targets the receiver did not take are offered again
// next poll.
import type { StatusPageConfig } from './status-page-config.js';
import type { StatuspageSummary } from './statuspage-summary.js';

export interface StatusPageAcknowledgementEvent {
  /** The page's configured name. */
  page: string;
  /** The mapped component ids the acknowledgement is about. */
  components: string[];
  /** The provider's incident id; absent when only a component status says so. */
  incidentId?: string;
  incidentName?: string;
  /** The provider incident's created_at, else when we first saw the component non-operational. */
  acknowledgedAt: number;
  /** Deployment ids and failure domain names the components map to (only those not announced yet). */
  deployments: string[];
}

/** What the receiver took: everything (true or nothing returned), nothing (false), or the listed targets. */
export type AcknowledgementResult = boolean | undefined | readonly string[];

/**
 * Receives acknowledgements. Return false (or throw) when nothing could take it yet, e.g. no incident of
 * ours matches so far, or the targets taken: the rest is offered again on the next poll while the page
 * still shows it (with the same acknowledgedAt).
 */
export type AcknowledgementCallback = (
  event: StatusPageAcknowledgementEvent,
) => AcknowledgementResult | Promise<AcknowledgementResult>;

export interface PendingAcknowledgement {
  event: StatusPageAcknowledgementEvent;
  key: { kind: 'incident'; id: string } | { kind: 'component'; id: string };
}

interface IncidentMemory {
  announced: Set<string>;
  firstSeenAt: number;
  lastSeenAt: number;
}

interface ComponentMemory {
  since: number;
  announced: Set<string>;
}

/** An incident that left the summary is remembered this long, so a page that flickers does not re-announce it. */
const incidentMemoryMs = 6 * 60 * 60_000;

export class AcknowledgementTracker {
  private readonly incidents = new Map<string, IncidentMemory>();
  private readonly components = new Map<string, ComponentMemory>();

  constructor(private readonly config: Pick<StatusPageConfig, 'name' | 'components'>) {}

  /** The acknowledgements this summary (seen at `now`) makes due. */
  due(summary: StatuspageSummary, now: number): PendingAcknowledgement[] {
    const mapped = this.config.components;
    const due: PendingAcknowledgement[] = [];
    const covered = new Set<string>();
    for (const incident of summary.incidents) {
      const componentIds = [...new Set(incident.componentIds.filter((id) => Object.hasOwn(mapped, id)))];
      if (componentIds.length === 0) continue;
      for (const id of componentIds) covered.add(id);
      const memory = this.incidents.get(incident.id) ?? {
        announced: new Set<string>(),
        firstSeenAt: now,
        lastSeenAt: now,
      };
      memory.lastSeenAt = now;
      this.incidents.set(incident.id, memory);
      const fresh = [...new Set(componentIds.flatMap((id) => mapped[id] ?? []))].filter(
        (target) => !memory.announced.has(target),
      );
      if (fresh.length === 0) continue;
      due.push({
        key: { kind: 'incident', id: incident.id },
        event: {
          page: this.config.name,
          components: componentIds,
          incidentId: incident.id,
          incidentName: incident.name,
          acknowledgedAt: incident.createdAt ?? memory.firstSeenAt,
          deployments: fresh,
        },
      });
    }
    const present = new Set<string>();
    for (const component of summary.components) {
      if (!Object.hasOwn(mapped, component.id)) continue;
      present.add(component.id);
      if (component.status === 'operational') {
        this.components.delete(component.id);
        continue;
      }
      const memory = this.components.get(component.id) ?? { since: now, announced: new Set<string>() };
      this.components.set(component.id, memory);
      // An incident listing it says more (the provider's id and time); the component alone adds nothing.
      if (covered.has(component.id)) continue;
      const fresh = [...new Set(mapped[component.id])].filter((target) => !memory.announced.has(target));
      if (fresh.length === 0) continue;
      due.push({
        key: { kind: 'component', id: component.id },
        event: { page: this.config.name, components: [component.id], acknowledgedAt: memory.since, deployments: fresh },
      });
    }
    for (const id of this.components.keys()) if (!present.has(id)) this.components.delete(id);
    for (const [id, memory] of this.incidents)
      if (memory.lastSeenAt < now - incidentMemoryMs) this.incidents.delete(id);
    return due;
  }

  /** Records what the receiver took of it. */
  announced(pending: PendingAcknowledgement, result: AcknowledgementResult): void {
    if (result === false) return;
    const taken = Array.isArray(result)
      ? pending.event.deployments.filter((target) => result.includes(target))
      : pending.event.deployments;
    const memory =
      pending.key.kind === 'incident' ? this.incidents.get(pending.key.id) : this.components.get(pending.key.id);
    for (const target of taken) memory?.announced.add(target);
  }
}
