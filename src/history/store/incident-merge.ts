// How one replica's view of an incident merges into the stored one, shared by both backends so they
// cannot disagree. Several replicas write the same incident, each from its own traffic, so every field
// merges rather than overwrites: severity only rises (and the title follows the highest severity), the
// earliest detection and first failure win, the first status-page acknowledgement and the first
// resolution win, a grouping once known stays, timeline entries are added once each. Evidence is the
// opening replica's view (the one whose write created the row). Pure: the backends run it on the row
// they hold inside a transaction.
import { type Incident, type IncidentUpdate, higherSeverity, severityRank } from '../../incidents/incident.js';

/** A stored incident with who created it (whose evidence it keeps). */
export interface StoredIncident {
  incident: Incident;
  createdBy: string;
}

// A flapping deployment can add an entry every few seconds for hours, from every replica.
const maximumUpdates = 500;

function updateKey(update: IncidentUpdate): string {
  return `${update.at}|${update.type}|${update.message}`;
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

export function mergeIncident(stored: StoredIncident, incoming: Incident, writer: string): Incident {
  const current = stored.incident;
  const severity = higherSeverity(current.severity, incoming.severity);
  const present = new Set(current.updates.map(updateKey));
  const updates = [...current.updates, ...incoming.updates.filter((update) => !present.has(updateKey(update)))];
  // The first resolution wins: a later one (another replica's) leaves the stored time alone.
  const resolvedAt = current.resolvedAt ?? incoming.resolvedAt;
  return {
    ...current,
    parentId: current.parentId ?? incoming.parentId,
    title: severityRank(incoming.severity) >= severityRank(current.severity) ? incoming.title : current.title,
    severity,
    status: resolvedAt === null ? 'open' : 'resolved',
    firstFailedAt: earliest(current.firstFailedAt, incoming.firstFailedAt),
    detectedAt: Math.min(current.detectedAt, incoming.detectedAt),
    resolvedAt,
    evidence: stored.createdBy === writer ? structuredClone(incoming.evidence) : current.evidence,
    updates: updates.length > maximumUpdates ? [updates[0]!, ...updates.slice(-(maximumUpdates - 1))] : updates,
    statusPage: current.statusPage ?? incoming.statusPage,
  };
}

/** Whether the merge changed anything worth a write. */
export function sameIncident(a: Incident, b: Incident): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
