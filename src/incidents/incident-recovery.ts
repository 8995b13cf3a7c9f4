// The recovery half of an incident's life: its scope turns healthy (recovering), fails again (relapsed:
// the same incident goes on, no new one and no new alert), and resolves once it has stayed healthy for
// the resolve period, children before their parent.
import { describeDuration } from './describe-duration.js';
import type { HealthReading } from './health-reading.js';
import type { IncidentBook } from './incident-book.js';
import { describeScope, isScopeFailing, recoveredAt } from './scope-rules.js';
import type { TrackedIncident } from './tracked-incident.js';

/** Notes a recovery or a relapse on the incident's timeline; true when it changed. */
export function noteRecovery(
  view: HealthReading,
  incident: TrackedIncident,
  now: number,
  resolvePeriodMs: number,
): boolean {
  const failing = isScopeFailing(view, incident);
  if (failing && incident.healthySince !== null) {
    incident.healthySince = null;
    incident.addUpdate({ at: now, type: 'relapsed', message: `failing again: ${describeScope(view, incident)}` });
    return true;
  }
  if (!failing && incident.healthySince === null) {
    incident.healthySince = recoveredAt(view, incident, now);
    incident.addUpdate({
      at: incident.healthySince,
      type: 'recovering',
      message: `healthy again; resolves after ${describeDuration(resolvePeriodMs)} without trouble`,
    });
    return true;
  }
  return false;
}

/**
 * Resolves every open incident healthy for the resolve period with nothing open under it, and moves it to
 * the resolved ones; returns them in the order resolved. Children first: a parent resolves only once
 * nothing under it is still open.
 */
export function resolveDue(book: IncidentBook, now: number, resolvePeriodMs: number): TrackedIncident[] {
  const ordered = book
    .openIncidents()
    .sort((a, b) => Number(a.scope !== 'deployment') - Number(b.scope !== 'deployment'));
  const resolved: TrackedIncident[] = [];
  for (const incident of ordered) {
    if (incident.healthySince === null || now - incident.healthySince < resolvePeriodMs) continue;
    if (book.hasOpenChild(incident)) continue;
    const childrenResolvedAt = book.resolvedChildren(incident).map((child) => child.resolvedAt ?? 0);
    incident.status = 'resolved';
    // When it recovered (confirmed by the resolve period), not when the confirmation came.
    incident.resolvedAt = Math.max(incident.healthySince, ...childrenResolvedAt);
    incident.addUpdate({
      at: now,
      type: 'resolved',
      message: `healthy for ${describeDuration(now - incident.healthySince)}`,
    });
    book.moveToResolved(incident);
    resolved.push(incident);
  }
  return resolved;
}
