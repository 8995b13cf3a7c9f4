// A provider's status page acknowledging an incident we detected: the lead time we had over it
// (acknowledgedAt − detectedAt), recorded on the incident and up its grouping, since the parent is
// what alerts and its resolve message carries the lead time.
import { describeLead } from './describe-duration.js';
import type { StatusPageAcknowledgement } from './incident.js';
import type { TrackedIncident } from './tracked-incident.js';

/** Records the acknowledgement on the incident and its parents; returns those that took it (the first one counts). */
export function acknowledgeUpTheGrouping(
  incident: TrackedIncident,
  acknowledgement: StatusPageAcknowledgement,
): TrackedIncident[] {
  const acknowledged: TrackedIncident[] = [];
  for (let current: TrackedIncident | null = incident; current; current = current.parent) {
    if (current.statusPage) continue;
    const leadTimeMs = acknowledgement.acknowledgedAt - current.detectedAt;
    current.statusPage = { ...acknowledgement, leadTimeMs };
    current.addUpdate({
      at: acknowledgement.acknowledgedAt,
      type: 'status-page-acknowledged',
      message: `${acknowledgement.page} status page acknowledged (${acknowledgement.incidentId}) ${describeLead(leadTimeMs)}`,
    });
    acknowledged.push(current);
  }
  return acknowledged;
}
