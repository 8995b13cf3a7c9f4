// The words of an alert, shared by the Slack and PagerDuty sinks: what happened, since when, the
// evidence, where traffic went, and how far ahead of the provider's status page we were.
import { describeDuration } from '../incidents/describe-duration.js';
import type { Incident, IncidentEvidence } from '../incidents/incident.js';
import type { Alert } from './alert.js';

const transitionWords: Record<Alert['transition'], string> = {
  opened: 'Incident opened',
  escalated: 'Incident escalated',
  resolved: 'Incident resolved',
};

/** "Incident opened: deployment claude-direct ejected" (escalations name the new severity). */
export function headlineOf(alert: Alert): string {
  const suffix = alert.transition === 'escalated' ? ` (now ${alert.incident.severity})` : '';
  return `${transitionWords[alert.transition]}: ${alert.incident.title}${suffix}`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "first failed request 12:00:01Z, detected 4 s later" (and how long it lasted, once resolved). */
export function sinceText(incident: Incident): string {
  const parts: string[] = [];
  if (incident.firstFailedAt !== null) {
    parts.push(`first failed request ${isoTime(incident.firstFailedAt)}`);
    parts.push(`detected ${describeDuration(incident.detectedAt - incident.firstFailedAt)} later`);
  } else {
    parts.push(`detected ${isoTime(incident.detectedAt)}`);
  }
  if (incident.resolvedAt !== null) {
    const start = incident.firstFailedAt ?? incident.detectedAt;
    parts.push(`recovered ${isoTime(incident.resolvedAt)} after ${describeDuration(incident.resolvedAt - start)}`);
  }
  return parts.join(', ');
}

/** "42 failed attempts of 60 (server ×30, timeout ×12) on routes sonnet, haiku". */
export function evidenceText(evidence: IncidentEvidence): string {
  const kinds = Object.entries(evidence.failuresByKind)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([kind, count]) => `${kind} ×${count}`);
  const failed = `${evidence.failedAttempts} failed attempt${evidence.failedAttempts === 1 ? '' : 's'}${evidence.attempts ? ` of ${evidence.attempts}` : ''}`;
  const routes = evidence.affectedRoutes.length
    ? ` on route${evidence.affectedRoutes.length === 1 ? '' : 's'} ${evidence.affectedRoutes.join(', ')}`
    : '';
  return `${failed}${kinds.length ? ` (${kinds.join(', ')})` : ''}${routes}`;
}

/** "118 requests served elsewhere: claude-bedrock 80, gpt-4o 38; no client saw a failure". */
export function failoverText(evidence: IncidentEvidence): string {
  const destinations = Object.entries(evidence.failover.servedBy).map(
    ([deployment, count]) => `${deployment} ${count}`,
  );
  const served = evidence.failover.requests
    ? `${evidence.failover.requests} request${evidence.failover.requests === 1 ? '' : 's'} served elsewhere: ${destinations.join(', ')}`
    : 'no request served elsewhere yet';
  const clients = evidence.clientFailures
    ? `${evidence.clientFailures} client request${evidence.clientFailures === 1 ? '' : 's'} failed`
    : 'no client request failed';
  return `${served}; ${clients}`;
}

/** Our detection against the provider's status page, when the page has said something. */
export function leadTimeText(incident: Incident): string {
  const detection =
    incident.firstFailedAt !== null
      ? `Detected ${describeDuration(incident.detectedAt - incident.firstFailedAt)} after the first failed request`
      : 'Detected from health';
  const page = incident.statusPage;
  if (!page) return `${detection}; the provider's status page has not acknowledged it yet.`;
  const lead =
    page.leadTimeMs >= 0
      ? `${describeDuration(page.leadTimeMs)} after us`
      : `${describeDuration(page.leadTimeMs)} before us`;
  return `${detection}; ${page.page} status page acknowledged it ${lead} (lead time ${Math.round(page.leadTimeMs / 1000)} s).`;
}

/** The most frequent failure kind, for grouping in PagerDuty. */
export function mainFailureKind(evidence: IncidentEvidence): string | undefined {
  return Object.entries(evidence.failuresByKind).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))[0]?.[0];
}
