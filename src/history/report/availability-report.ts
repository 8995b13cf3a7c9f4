// The availability report: what each deployment and provider delivered (attempts), what clients of each
// route actually saw after failover (requests), the difference between the two, what each gateway key
// asked for (requests, failovers, tokens), and the incidents of the window with our lead time over the
// provider's status page. Built from the store's per-minute rollups,
// so it covers every replica that writes to the same store.
import type { IncidentStore } from '../store/incident-store.js';
import type { DeploymentAvailability, KeyUsage, RouteAvailability } from '../store/rollup-rows.js';
import { defaultIncidentLimit, toIncidentReport, type IncidentReport } from './incident-timeline.js';
import { formatCount, formatPercent } from './report-numbers.js';

export interface ReportWindow {
  since: number;
  /** Exclusive. */
  until: number;
  sinceIso: string;
  untilIso: string;
  durationMs: number;
}

export interface DeploymentReport {
  id: string;
  /** Null when the deploymentProvider map does not know it. */
  provider: string | null;
  /** Attempts this deployment received (every try of every client request that reached it). */
  requests: number;
  successes: number;
  failures: number;
  /** successes / requests; null without requests. */
  successRate: number | null;
  failuresByKind: Record<string, number>;
  /** Attempt latency percentiles (ms); null when none was recorded. */
  latency: { p50: number; p95: number; p99: number } | null;
  /** Time out of rotation in the window (minute rollups, capped at the window's length). */
  timeEjectedMs: number;
  /** Deployment incidents of this deployment in the window. */
  incidents: number;
}

export interface RouteReport {
  route: string;
  /** Client requests, each counted once however many attempts it took. */
  requests: number;
  successes: number;
  failures: number;
  successRate: number | null;
  /** Requests served by another deployment than the first one tried. */
  failovers: number;
  /** Average latency a failed-over request paid for its failover; null without failovers. */
  extraLatencyMs: number | null;
  /** Hedges started (a second attempt while the first one waited), and how many of them served the request. */
  hedges: number;
  hedgesWon: number;
}

/** One gateway key's traffic, by its name (never the key): what a team asked for and got. */
export type KeyReport = KeyUsage;

export interface ProviderReport {
  provider: string;
  deployments: string[];
  attempts: number;
  successes: number;
  successRate: number | null;
}

export interface AvailabilityReport {
  generatedAt: number;
  window: ReportWindow;
  /** The difference failover made, in a few lines ("anthropic: 91.8% of attempts succeeded; clients of route sonnet: 100.0%"). */
  headline: string[];
  deployments: DeploymentReport[];
  routes: RouteReport[];
  providers: ProviderReport[];
  /** Per gateway key name: requests, failovers and tokens (empty when keys are off). */
  keys: KeyReport[];
  /** Incidents that overlap the window, oldest first. */
  incidents: IncidentReport[];
}

export interface AvailabilityReportOptions {
  since: number;
  /** Exclusive; default `now`. */
  until?: number;
  now: number;
  /** Deployment id → provider name, from the configuration. Configured deployments without traffic are listed too. */
  deploymentProvider?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Route → its deployments, from the configuration: pairs each provider's line with the routes it serves. */
  routeDeployments?: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /** Default 1000. */
  incidentLimit?: number;
}

type ReportStore = Pick<IncidentStore, 'deploymentAvailability' | 'routeAvailability' | 'keyUsage' | 'listIncidents'>;

function toMap<V>(value: Readonly<Record<string, V>> | ReadonlyMap<string, V> | undefined): ReadonlyMap<string, V> {
  if (value === undefined) return new Map();
  return value instanceof Map ? value : new Map(Object.entries(value as Record<string, V>));
}

function rate(successes: number, total: number): number | null {
  return total > 0 ? successes / total : null;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function deploymentReports(
  availability: readonly DeploymentAvailability[],
  providers: ReadonlyMap<string, string>,
  incidents: readonly IncidentReport[],
  windowMs: number,
): DeploymentReport[] {
  const byId = new Map(availability.map((entry) => [entry.deployment, entry]));
  const ids = [...new Set([...byId.keys(), ...providers.keys()])].sort(byName);
  return ids.map((id) => {
    const entry = byId.get(id);
    return {
      id,
      provider: providers.get(id) ?? null,
      requests: entry?.attempts ?? 0,
      successes: entry?.successes ?? 0,
      failures: entry?.failures ?? 0,
      successRate: entry?.successRate ?? null,
      failuresByKind: { ...(entry?.failuresByKind ?? {}) },
      latency: entry?.latency ? { p50: entry.latency.p50, p95: entry.latency.p95, p99: entry.latency.p99 } : null,
      // Rollups are per minute: a window that starts mid-minute still counts that minute whole.
      timeEjectedMs: Math.min(entry?.ejectedMs ?? 0, windowMs),
      incidents: incidents.filter((incident) => incident.scope === 'deployment' && incident.key === id).length,
    };
  });
}

function routeReports(availability: readonly RouteAvailability[]): RouteReport[] {
  return availability.map((entry) => ({
    route: entry.route,
    requests: entry.requests,
    successes: entry.successes,
    failures: entry.failures,
    successRate: entry.successRate,
    failovers: entry.failovers,
    extraLatencyMs: entry.averageExtraLatencyMs,
    hedges: entry.hedges,
    hedgesWon: entry.hedgesWon,
  }));
}

function providerReports(deployments: readonly DeploymentReport[]): ProviderReport[] {
  const groups = new Map<string, ProviderReport>();
  for (const deployment of deployments) {
    const provider = deployment.provider ?? 'unknown';
    const group = groups.get(provider) ?? { provider, deployments: [], attempts: 0, successes: 0, successRate: null };
    group.deployments.push(deployment.id);
    group.attempts += deployment.requests;
    group.successes += deployment.successes;
    groups.set(provider, group);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, successRate: rate(group.successes, group.attempts) }))
    .sort((a, b) => byName(a.provider, b.provider));
}

function headlineOf(
  providers: readonly ProviderReport[],
  routes: readonly RouteReport[],
  routeDeployments: ReadonlyMap<string, readonly string[]>,
): string[] {
  const lines: string[] = [];
  const routeLine = (route: RouteReport) => `clients of route ${route.route}: ${formatPercent(route.successRate)}`;
  for (const provider of providers) {
    if (provider.attempts === 0) continue;
    const parts = [`${provider.provider}: ${formatPercent(provider.successRate)} of attempts succeeded`];
    const served = routes.filter(
      (route) =>
        route.requests > 0 && (routeDeployments.get(route.route) ?? []).some((id) => provider.deployments.includes(id)),
    );
    for (const route of served) parts.push(routeLine(route));
    lines.push(parts.join('; '));
  }
  // Without the route map, say what clients saw per route on its own line.
  if (routeDeployments.size === 0) for (const route of routes) if (route.requests > 0) lines.push(routeLine(route));
  const requests = routes.reduce((sum, route) => sum + route.requests, 0);
  if (requests > 0) {
    const successes = routes.reduce((sum, route) => sum + route.successes, 0);
    const failovers = routes.reduce((sum, route) => sum + route.failovers, 0);
    lines.push(
      `all routes: ${formatPercent(rate(successes, requests))} of ${formatCount(requests)} client requests succeeded; ${formatCount(failovers)} served after failover`,
    );
  }
  return lines;
}

export async function buildAvailabilityReport(
  store: ReportStore,
  options: AvailabilityReportOptions,
): Promise<AvailabilityReport> {
  const until = options.until ?? options.now;
  const since = Math.min(options.since, until);
  const range = { since, until };
  const [deploymentAvailability, routeAvailability, keys, records] = await Promise.all([
    store.deploymentAvailability(range),
    store.routeAvailability(range),
    store.keyUsage(range),
    store.listIncidents({ since, until, limit: options.incidentLimit ?? defaultIncidentLimit }),
  ]);
  const incidents = records
    .map((record) => toIncidentReport(record, options.now))
    .sort((a, b) => a.detectedAt - b.detectedAt || byName(a.id, b.id));
  const deployments = deploymentReports(
    deploymentAvailability,
    toMap(options.deploymentProvider),
    incidents,
    until - since,
  );
  const routes = routeReports(routeAvailability);
  const providers = providerReports(deployments);
  return {
    generatedAt: options.now,
    window: {
      since,
      until,
      sinceIso: new Date(since).toISOString(),
      untilIso: new Date(until).toISOString(),
      durationMs: until - since,
    },
    headline: headlineOf(providers, routes, toMap(options.routeDeployments)),
    deployments,
    routes,
    providers,
    keys,
    incidents,
  };
}
