// What a simulated status page shows at a given moment, derived from the fault history: a component
// goes down once a fault that answers for one of its targets (error, hang or reset) has lasted the
// page's lag, and comes back the lag after that fault ended; a fault shorter than the lag never reaches
// the page, as a blip never reaches a real one. Overlapping outages of the page's components form one
// provider incident, created when the first of them shows. Pure functions of (history, now).
import { compileTarget } from './fault-registry.js';
import type { FaultInterval } from './fault-history.js';

export type ComponentStatus =
  | 'operational'
  | 'degraded_performance'
  | 'partial_outage'
  | 'major_outage'
  | 'under_maintenance';
export type IncidentImpact = 'none' | 'minor' | 'major' | 'critical';

export interface SimulatedComponent {
  id: string;
  name: string;
  description?: string;
  targets: readonly string[];
}

export interface UpstreamView {
  name: string;
  labels: ReadonlySet<string>;
}

export interface PageDefinition {
  components: readonly SimulatedComponent[];
  lagMs: number;
  /** When the page was configured: the components' created_at and their first updated_at. */
  createdAt: number;
}

export interface ComponentState {
  id: string;
  name: string;
  description: string | null;
  position: number;
  status: ComponentStatus;
  /** The last time its status changed (or the page's creation). */
  updatedAt: number;
}

export interface IncidentUpdateState {
  status: 'investigating' | 'resolved';
  body: string;
  at: number;
  componentIds: string[];
}

export interface IncidentState {
  id: string;
  name: string;
  status: 'investigating' | 'resolved';
  impact: IncidentImpact;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  componentIds: string[];
  /** Oldest first. */
  updates: IncidentUpdateState[];
}

export interface PageState {
  components: ComponentState[];
  /** Newest first, resolved ones included. */
  incidents: IncidentState[];
}

/** The fault kinds that make a provider fail requests outright; latency and garbled answers do not reach the page. */
const outageKinds = new Set(['error', 'hang', 'reset']);

const statusRank: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worseStatus(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return statusRank[a] >= statusRank[b] ? a : b;
}

export function impactOf(status: ComponentStatus): IncidentImpact {
  if (status === 'major_outage') return 'critical';
  if (status === 'partial_outage') return 'major';
  return status === 'operational' ? 'none' : 'minor';
}

/** A fault that fails every request is an outage; one that fails some is a partial outage or degradation. */
function statusOfFault(probability: number): ComponentStatus {
  if (probability >= 1) return 'major_outage';
  return probability >= 0.5 ? 'partial_outage' : 'degraded_performance';
}

interface Period {
  componentId: string;
  status: ComponentStatus;
  /** When the page starts and stops showing it (Infinity: not yet scheduled to stop). */
  shownFrom: number;
  shownUntil: number;
}

// The upstreams a component stands for: the known ones its targets match, plus a stand-in for each
// plain name and each label it names, so a fault on "label:x" hits a component on "label:x" even before
// any upstream carries that label.
function standInsFor(component: SimulatedComponent, upstreams: readonly UpstreamView[]): UpstreamView[] {
  const matchers = component.targets.map(compileTarget);
  const standIns = upstreams.filter((upstream) => matchers.some((matches) => matches(upstream.name, upstream.labels)));
  for (const target of component.targets) {
    if (/[*?]/.test(target)) continue;
    if (target.startsWith('label:'))
      standIns.push({ name: `\u0000${target}`, labels: new Set([target.slice('label:'.length)]) });
    else if (!standIns.some((upstream) => upstream.name === target)) standIns.push({ name: target, labels: new Set() });
  }
  return standIns;
}

// A fault on one plain upstream name hits a component whose glob covers that name, even before the
// upstream has been seen.
function namedUpstreamHit(component: SimulatedComponent, target: string, upstreams: readonly UpstreamView[]): boolean {
  if (target.startsWith('label:') || /[*?]/.test(target)) return false;
  const labels = upstreams.find((upstream) => upstream.name === target)?.labels ?? new Set<string>();
  return component.targets.some((componentTarget) => compileTarget(componentTarget)(target, labels));
}

function periodsOf(
  component: SimulatedComponent,
  definition: PageDefinition,
  intervals: readonly FaultInterval[],
  upstreams: readonly UpstreamView[],
  now: number,
): Period[] {
  const standIns = standInsFor(component, upstreams);
  const hits = intervals
    .filter((interval) => outageKinds.has(interval.fault.kind) && interval.from <= now)
    .filter(
      (interval) =>
        standIns.some((upstream) => interval.matches(upstream.name, upstream.labels)) ||
        namedUpstreamHit(component, interval.fault.target, upstreams),
    )
    .map((interval) => ({
      from: interval.from,
      until: interval.until,
      status: statusOfFault(interval.fault.probability),
    }))
    .sort((a, b) => a.from - b.from);
  // Back-to-back or overlapping faults are one outage as far as the page is concerned.
  const merged: Array<{ from: number; until: number; status: ComponentStatus }> = [];
  for (const hit of hits) {
    const last = merged[merged.length - 1];
    if (last && hit.from <= last.until) {
      last.until = Math.max(last.until, hit.until);
      last.status = worseStatus(last.status, hit.status);
    } else merged.push({ ...hit });
  }
  return merged
    .filter((outage) => outage.until - outage.from >= definition.lagMs)
    .map((outage) => ({
      componentId: component.id,
      status: outage.status,
      shownFrom: outage.from + definition.lagMs,
      shownUntil: outage.until + definition.lagMs,
    }))
    .filter((period) => period.shownFrom <= now);
}

function describeIncident(status: ComponentStatus, names: string[]): string {
  const what =
    status === 'major_outage' ? 'Outage' : status === 'partial_outage' ? 'Partial outage' : 'Elevated errors';
  return `${what} affecting ${names.join(', ')}`;
}

function incidentsFrom(periods: Period[], components: readonly SimulatedComponent[], now: number): IncidentState[] {
  const nameOf = (id: string) => components.find((component) => component.id === id)?.name ?? id;
  const episodes: Period[][] = [];
  let episodeEnd = Number.NEGATIVE_INFINITY;
  for (const period of [...periods].sort((a, b) => a.shownFrom - b.shownFrom)) {
    const current = episodes[episodes.length - 1];
    if (current && period.shownFrom <= episodeEnd) current.push(period);
    else {
      episodes.push([period]);
      episodeEnd = Number.NEGATIVE_INFINITY;
    }
    episodeEnd = Math.max(episodeEnd, period.shownUntil);
  }
  return episodes
    .map((episode) => {
      const createdAt = episode[0]!.shownFrom;
      const end = Math.max(...episode.map((period) => period.shownUntil));
      const resolvedAt = end <= now ? end : null;
      const componentIds = [...new Set(episode.map((period) => period.componentId))];
      const worst = episode.reduce<ComponentStatus>(
        (status, period) => worseStatus(status, period.status),
        'operational',
      );
      const names = componentIds.map(nameOf);
      const updates: IncidentUpdateState[] = [
        {
          status: 'investigating',
          body: `We are investigating ${worst === 'major_outage' ? 'an outage' : 'elevated errors'} affecting ${names.join(', ')}.`,
          at: createdAt,
          componentIds,
        },
      ];
      if (resolvedAt !== null)
        updates.push({ status: 'resolved', body: 'This incident has been resolved.', at: resolvedAt, componentIds });
      const lastChange = Math.max(...episode.map((period) => period.shownFrom));
      return {
        id: `sim${createdAt.toString(36)}`,
        name: describeIncident(worst, names),
        status: resolvedAt === null ? ('investigating' as const) : ('resolved' as const),
        impact: impactOf(worst),
        createdAt,
        updatedAt: resolvedAt ?? lastChange,
        resolvedAt,
        componentIds,
        updates,
      };
    })
    .reverse();
}

export function computePageState(
  definition: PageDefinition,
  intervals: readonly FaultInterval[],
  upstreams: readonly UpstreamView[],
  now: number,
): PageState {
  const periods: Period[] = [];
  const components = definition.components.map((component, index): ComponentState => {
    const own = periodsOf(component, definition, intervals, upstreams, now);
    periods.push(...own);
    const showing = own.filter((period) => period.shownFrom <= now && now < period.shownUntil);
    const status = showing.reduce<ComponentStatus>((worst, period) => worseStatus(worst, period.status), 'operational');
    const changes = own.flatMap((period) => [period.shownFrom, period.shownUntil]).filter((at) => at <= now);
    return {
      id: component.id,
      name: component.name,
      description: component.description ?? null,
      position: index + 1,
      status,
      updatedAt: Math.max(definition.createdAt, ...changes),
    };
  });
  return { components, incidents: incidentsFrom(periods, definition.components, now) };
}
