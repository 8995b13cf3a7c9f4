// One alert: an incident transition (opened, escalated, resolved) with the incident as it stood then.
// Which transitions are alerted, and the idempotency key every sink sends with it.
import type { Incident, IncidentTransition } from '../incidents/incident.js';

export type AlertTransition = 'opened' | 'escalated' | 'resolved';

export interface Alert {
  transition: AlertTransition;
  /** 1 for opened and resolved; the new severity's rank for escalated. The same on every replica. */
  sequence: number;
  at: number;
  incident: Incident;
}

/** `<incident id>:<transition>:<n>`: identical wherever the same transition is seen, so receivers can dedupe. */
export function idempotencyKeyOf(alert: Pick<Alert, 'transition' | 'sequence' | 'incident'>): string {
  return `${alert.incident.id}:${alert.transition}:${alert.sequence}`;
}

/**
 * The alert for a transition, or undefined when it is not alerted: an incident opened under a parent
 * is covered by the parent's alerts, and an escalation of one grouped under a parent is the parent's to tell.
 */
export function alertFor(transition: IncidentTransition): Alert | undefined {
  const { type, incident } = transition;
  if (type === 'status-page-acknowledged' || !incident.alerting) return undefined;
  if (type === 'escalated' && incident.parentId !== null) return undefined;
  return { transition: type, sequence: transition.sequence, at: transition.at, incident };
}
