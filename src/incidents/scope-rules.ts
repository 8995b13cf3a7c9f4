// How an incident's scope reads from health: whether it is failing, since when it is healthy again,
// how severe it is, and which deployments are part of the trouble. Pure functions of a health reading.
import { type HealthReading, isFailingState } from './health-reading.js';
import type { IncidentSeverity } from './incident.js';
import type { TrackedIncident } from './tracked-incident.js';

/**
 * minor: a degraded deployment; major: an ejected one, or a domain / provider in trouble; critical:
 * clients saw failures, or no member of a domain / provider is healthy. Severity never falls within
 * an incident, so an isolated or recovered deployment keeps what it had.
 */
export function severityOf(view: HealthReading, incident: TrackedIncident): IncidentSeverity {
  if (incident.evidence.hasClientFailures) return 'critical';
  if (incident.scope === 'deployment') {
    const state = view.deployment(incident.key).state;
    if (state === 'degraded') return 'minor';
    return isFailingState(state) ? 'major' : incident.severity;
  }
  const members = [...incident.members];
  const nothingHealthy = members.length > 0 && members.every((member) => view.isFailing(member));
  return nothingHealthy ? 'critical' : 'major';
}

export function isScopeFailing(view: HealthReading, incident: TrackedIncident): boolean {
  if (incident.scope === 'deployment') return view.isFailing(incident.key);
  if (incident.scope === 'domain') return view.domain(incident.key)?.state === 'degraded';
  return [...incident.members].some((member) => view.isFailing(member));
}

/** When the scope became healthy again (a provider: when its last failing deployment recovered). */
export function recoveredAt(view: HealthReading, incident: TrackedIncident, now: number): number {
  if (incident.scope === 'deployment') return view.deployment(incident.key).since;
  if (incident.scope === 'domain') return view.domain(incident.key)?.since ?? now;
  const times = [...incident.members].map((member) => view.deployment(member).since);
  return Math.min(now, Math.max(incident.detectedAt, ...times));
}

export function describeScope(view: HealthReading, incident: TrackedIncident): string {
  if (incident.scope === 'deployment') {
    const condition = view.deployment(incident.key);
    return `${incident.key} ${condition.state}${condition.reason ? ` (${condition.reason})` : ''}`;
  }
  const failing = [...incident.members].filter((member) => view.isFailing(member));
  return `${failing.length} of ${incident.members.size} deployments failing${failing.length ? `: ${failing.join(', ')}` : ''}`;
}

/** Whether a deployment is part of the trouble (so traffic it served is not failover). */
export function isFailingMember(view: HealthReading, incident: TrackedIncident, deploymentId: string): boolean {
  if (incident.scope === 'deployment') return deploymentId === incident.key;
  return incident.members.has(deploymentId) && view.isFailing(deploymentId);
}
