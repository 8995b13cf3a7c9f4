// Connects the poller to the incident detector: each target of an acknowledgement (a deployment id,
// failure domain or provider name from the page's component map) becomes the scope it names, and the
// detector records the acknowledgement on the matching incident (lead time = acknowledgedAt −
// detectedAt). When no incident of ours matches yet, the callback says so, and the poller offers the
// acknowledgement again next poll: the page may simply have been faster than our detection.
import type { DeploymentPlacement } from '../incidents/health-reading.js';
import type { ScopeRef, StatusPageAcknowledgement } from '../incidents/incident.js';
import type { AcknowledgementCallback, StatusPageAcknowledgementEvent } from './acknowledgement-tracker.js';

/** The one detector call this needs (IncidentDetector has it). */
export interface AcknowledgementReceiver {
  recordStatusPageAcknowledgement(target: ScopeRef, acknowledgement: StatusPageAcknowledgement): unknown;
}

/** Deployment ids first, then failure domains, then providers; an unknown name is taken as a deployment. */
export function scopeOfTarget(target: string, placements: readonly DeploymentPlacement[]): ScopeRef {
  if (placements.some((placement) => placement.id === target)) return { scope: 'deployment', key: target };
  if (placements.some((placement) => placement.domains.includes(target))) return { scope: 'domain', key: target };
  if (placements.some((placement) => placement.provider === target)) return { scope: 'provider', key: target };
  return { scope: 'deployment', key: target };
}

/** The detector wants an incident id; a component seen down without a provider incident gets a stable stand-in. */
export function acknowledgementIdOf(event: StatusPageAcknowledgementEvent): string {
  return event.incidentId ?? `component:${event.components.join(',')}`;
}

export function recordAcknowledgementsWith(
  receiver: AcknowledgementReceiver,
  placements: readonly DeploymentPlacement[],
): AcknowledgementCallback {
  return (event) => {
    const acknowledgement: StatusPageAcknowledgement = {
      page: event.page,
      incidentId: acknowledgementIdOf(event),
      acknowledgedAt: event.acknowledgedAt,
    };
    // Only the targets an incident of ours took; the others are offered again next poll.
    return event.deployments.filter((target) => {
      const record = receiver.recordStatusPageAcknowledgement(scopeOfTarget(target, placements), acknowledgement);
      return record !== null && record !== undefined;
    });
  };
}
