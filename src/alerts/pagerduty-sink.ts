import type { IncidentSeverity } from '../incidents/incident.js';
import type { PagerDutySinkConfig } from './alerts-config.js';
import type { Alert } from './alert.js';
import { JsonPostSink } from './alert-sink.js';
import {
  evidenceText,
  failoverText,
  headlineOf,
  isoTime,
  leadTimeText,
  mainFailureKind,
  sinceText,
} from './alert-text.js';

const summaryLimit = 1024;

const pagerDutySeverities: Record<IncidentSeverity, 'critical' | 'error' | 'warning'> = {
  critical: 'critical',
  major: 'error',
  minor: 'warning',
};

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  client: string;
  payload: {
    summary: string;
    source: 'switchyard';
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

/** One PagerDuty alert per Switchyard incident, whichever replica sends and whatever the transition. */
export function pagerDutyDedupKey(incidentId: string): string {
  return `switchyard-${incidentId}`;
}

export function pagerDutyEventOf(alert: Alert, routingKey: string): PagerDutyEvent {
  const { incident } = alert;
  const summary = `${headlineOf(alert)} — ${evidenceText(incident.evidence)}`;
  return {
    routing_key: routingKey,
    event_action: alert.transition === 'resolved' ? 'resolve' : 'trigger',
    dedup_key: pagerDutyDedupKey(incident.id),
    client: 'Switchyard',
    payload: {
      summary: summary.length <= summaryLimit ? summary : `${summary.slice(0, summaryLimit - 1)}…`,
      source: 'switchyard',
      severity: alert.transition === 'resolved' ? 'info' : pagerDutySeverities[incident.severity],
      timestamp: isoTime(alert.at),
      component: incident.key,
      group: incident.scope,
      class: mainFailureKind(incident.evidence) ?? incident.scope,
      custom_details: {
        incident_id: incident.id,
        scope: `${incident.scope} ${incident.key}`,
        parent_incident_id: incident.parentId,
        severity: incident.severity,
        since: sinceText(incident),
        evidence: evidenceText(incident.evidence),
        failures_by_kind: incident.evidence.failuresByKind,
        sample_errors: incident.evidence.sampleErrors,
        affected_routes: incident.evidence.affectedRoutes,
        where_traffic_went: failoverText(incident.evidence),
        failover: incident.evidence.failover,
        detection: leadTimeText(incident),
        status_page_lead_time_ms: incident.statusPage?.leadTimeMs ?? null,
      },
    },
  };
}

export class PagerDutySink extends JsonPostSink<PagerDutySinkConfig> {
  readonly type = 'pagerduty';

  protected render(alert: Alert) {
    return { body: JSON.stringify(pagerDutyEventOf(alert, this.config.routingKey)) };
  }
}
