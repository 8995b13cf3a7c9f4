// What the dashboard shows of incidents: the open ones and those of the last day, newest first, each
// with its timeline, the lead time over the provider's status page, and the alerts sent for it (sink,
// transition, delivery status only: a sink's error text can hold its URL, and a Slack or PagerDuty
// URL is a credential). Deliveries are those claimed in the store: replicas that claim deliveries in
// Redis instead show none.
import type { AlertDelivery, IncidentStore } from '../../history/store/incident-store.js';
import { incidentsWithTimeline, type IncidentReport } from '../../history/report/incident-timeline.js';

export type DashboardAlert = Omit<AlertDelivery, 'incidentId'>;

export type DashboardIncident = IncidentReport & { alerts: DashboardAlert[] };

const recentMs = 24 * 60 * 60_000;
const incidentLimit = 30;

export async function dashboardIncidents(
  store: Pick<IncidentStore, 'listIncidents' | 'listAlertDeliveries'>,
  now: number,
): Promise<DashboardIncident[]> {
  const incidents = await incidentsWithTimeline(store, { since: now - recentMs, now, limit: incidentLimit });
  const deliveries = await store.listAlertDeliveries(incidents.map((incident) => incident.id));
  const byIncident = new Map<string, DashboardAlert[]>();
  for (const { incidentId, ...alert } of deliveries) {
    const list = byIncident.get(incidentId) ?? [];
    list.push(alert);
    byIncident.set(incidentId, list);
  }
  return incidents.map((incident) => ({ ...incident, alerts: byIncident.get(incident.id) ?? [] }));
}
