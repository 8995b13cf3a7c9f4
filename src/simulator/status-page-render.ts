// Renders a simulated page's state as Atlassian Statuspage v2 JSON (docs/protocols/statuspage.md §7): the documents
// summary.json, status.json, components.json, incidents.json and incidents/unresolved.json, with the
// fields real pages carry, so a poller written against the simulator reads real pages too.
import type { ComponentState, ComponentStatus, IncidentState, PageState } from './status-page-state.js';

export interface PageIdentity {
  id: string;
  name: string;
  /** The page's public base URL. */
  url: string;
  createdAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

const statusRank: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** The page-wide indicator real pages show in their banner. */
export function pageStatus(state: PageState): {
  indicator: 'none' | 'minor' | 'major' | 'critical';
  description: string;
} {
  let worst: ComponentStatus = 'operational';
  for (const component of state.components)
    if (statusRank[component.status] > statusRank[worst]) worst = component.status;
  const unresolved = state.incidents.filter((incident) => incident.resolvedAt === null);
  if (worst === 'major_outage' || unresolved.some((incident) => incident.impact === 'critical'))
    return { indicator: 'critical', description: 'Major System Outage' };
  if (worst === 'partial_outage' || unresolved.some((incident) => incident.impact === 'major'))
    return { indicator: 'major', description: 'Partial System Outage' };
  if (worst !== 'operational' || unresolved.length > 0)
    return { indicator: 'minor', description: 'Minor Service Outage' };
  return { indicator: 'none', description: 'All Systems Operational' };
}

function pageObject(identity: PageIdentity, state: PageState) {
  const changes = [
    ...state.components.map((component) => component.updatedAt),
    ...state.incidents.map((incident) => incident.updatedAt),
  ];
  return {
    id: identity.id,
    name: identity.name,
    url: identity.url,
    time_zone: 'Etc/UTC',
    updated_at: iso(Math.max(identity.createdAt, ...changes)),
  };
}

function componentObject(identity: PageIdentity, component: ComponentState) {
  return {
    id: component.id,
    name: component.name,
    status: component.status,
    created_at: iso(identity.createdAt),
    updated_at: iso(component.updatedAt),
    position: component.position,
    description: component.description,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: identity.id,
    group: false,
    only_show_if_degraded: false,
  };
}

function incidentObject(identity: PageIdentity, state: PageState, incident: IncidentState) {
  const components = state.components.filter((component) => incident.componentIds.includes(component.id));
  const updates = [...incident.updates].reverse().map((update, index, all) => ({
    id: `${incident.id}u${all.length - index}`,
    status: update.status,
    body: update.body,
    incident_id: incident.id,
    created_at: iso(update.at),
    updated_at: iso(update.at),
    display_at: iso(update.at),
    affected_components: components
      .filter((component) => update.componentIds.includes(component.id))
      .map((component) => ({
        code: component.id,
        name: component.name,
        old_status: update.status === 'resolved' ? 'major_outage' : 'operational',
        new_status: update.status === 'resolved' ? 'operational' : component.status,
      })),
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  }));
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: null,
    resolved_at: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    impact: incident.impact,
    shortlink: `https://stspg.io/${incident.id}`,
    started_at: iso(incident.createdAt),
    page_id: identity.id,
    incident_updates: updates,
    components: components.map((component) => componentObject(identity, component)),
  };
}

export type StatusPageDocument =
  | 'summary'
  | 'status'
  | 'components'
  | 'incidents'
  | 'incidents/unresolved'
  | 'scheduled-maintenances';

/** The JSON body of one document. */
export function renderStatusPage(document: StatusPageDocument, identity: PageIdentity, state: PageState): unknown {
  const page = pageObject(identity, state);
  const unresolved = state.incidents.filter((incident) => incident.resolvedAt === null);
  switch (document) {
    case 'summary':
      return {
        page,
        status: pageStatus(state),
        components: state.components.map((component) => componentObject(identity, component)),
        incidents: unresolved.map((incident) => incidentObject(identity, state, incident)),
        scheduled_maintenances: [],
      };
    case 'status':
      return { page, status: pageStatus(state) };
    case 'components':
      return { page, components: state.components.map((component) => componentObject(identity, component)) };
    case 'incidents':
      return { page, incidents: state.incidents.map((incident) => incidentObject(identity, state, incident)) };
    case 'incidents/unresolved':
      return { page, incidents: unresolved.map((incident) => incidentObject(identity, state, incident)) };
    case 'scheduled-maintenances':
      return { page, scheduled_maintenances: [] };
  }
}

/** Maps the path after `/api/v2/` to a document. */
export function documentFor(path: string): StatusPageDocument | undefined {
  switch (path) {
    case 'summary.json':
      return 'summary';
    case 'status.json':
      return 'status';
    case 'components.json':
      return 'components';
    case 'incidents.json':
      return 'incidents';
    case 'incidents/unresolved.json':
      return 'incidents/unresolved';
    case 'scheduled-maintenances.json':
    case 'scheduled-maintenances/upcoming.json':
    case 'scheduled-maintenances/active.json':
      return 'scheduled-maintenances';
    default:
      return undefined;
  }
}
