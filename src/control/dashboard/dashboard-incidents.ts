// What the dashboard shows of incidents: the open ones and those of the last day, newest first, each
// with its timeline, the lead time over the provider's status page, and the alerts sent for it (sink,
// transition, delivery status only: a sink's error text can hold its URL, and a Slack or PagerDuty
// URL is a credential).
import type { IncidentStore } from '../../history/store/incident-store.js';
import { incidentsWithTimeline, type IncidentReport } from '../../history/report/incident-timeline.js';

export interface DashboardAlert {
  sink: string;
  transition: string;
  status: string;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
}

export type DashboardIncident = IncidentReport & { alerts: DashboardAlert[] };

const recentMs = 24 * 60 * 60_000;
const incidentLimit = 30;
const alertLimit = 500;

export async function dashboardIncidents(
  store: Pick<IncidentStore, 'listIncidents' | 'listAlerts'>,
  now: number,
): Promise<DashboardIncident[]> {
  const [incidents, alerts] = await Promise.all([
    incidentsWithTimeline(store, { since: now - recentMs, now, limit: incidentLimit }),
    store.listAlerts({ limit: alertLimit }),
  ]);
  const byIncident = new Map<string, DashboardAlert[]>();
  for (const alert of alerts) {
    const list = byIncident.get(alert.incidentId) ?? [];
    list.push({
      sink: alert.sink,
      transition: alert.transition,
      status: alert.status,
      attempts: alert.attempts,
      createdAt: alert.createdAt,
      sentAt: alert.sentAt,
    });
    byIncident.set(alert.incidentId, list);
  }
  return incidents.map((incident) => ({
    ...incident,
    alerts: (byIncident.get(incident.id) ?? []).sort((a, b) => a.createdAt - b.createdAt),
  }));
}
