// Rollup arithmetic shared by both backends and the writer: normalising a row before it is stored,
// adding rows with the same key together, and turning summed query results into availability figures.
import {
  histogramPercentiles,
  histogramTotal,
  mergeHistogram,
  type LatencyHistogram,
} from '../../health/latency-histogram.js';
import type {
  DeploymentAvailability,
  DeploymentRollupRow,
  KeyRollupRow,
  KeyUsage,
  RollupRow,
  RouteAvailability,
  RouteRollupRow,
} from './rollup-rows.js';

export const minuteMs = 60_000;

export function floorToMinute(ms: number): number {
  return Math.floor(ms / minuteMs) * minuteMs;
}

/** A count the store can hold: a non-negative integer (NaN and negatives become 0). */
function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function cleanCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  const clean: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) {
    const rounded = count(value);
    if (rounded > 0) clean[key] = rounded;
  }
  return clean;
}

export interface StoredDeploymentRow {
  minute: number;
  deployment: string;
  attempts: number;
  successes: number;
  failures: number;
  failuresByKind: Record<string, number>;
  latencyCount: number;
  latency: LatencyHistogram;
  ejectedMs: number;
}

export function storedDeploymentRow(row: DeploymentRollupRow): StoredDeploymentRow {
  const failuresByKind = cleanCounts(row.failuresByKind);
  const latency: LatencyHistogram = {};
  mergeHistogram(latency, row.latency);
  return {
    minute: floorToMinute(row.minute),
    deployment: row.deployment,
    attempts: count(row.attempts),
    successes: count(row.successes),
    failures: Object.values(failuresByKind).reduce((sum, value) => sum + value, 0),
    failuresByKind,
    latencyCount: histogramTotal(latency),
    latency,
    // A replica cannot have seen more than a minute of ejection in one minute.
    ejectedMs: Math.min(minuteMs, count(row.ejectedMs)),
  };
}

export function storedRouteRow(row: RouteRollupRow): RouteRollupRow {
  return {
    kind: 'route',
    minute: floorToMinute(row.minute),
    route: row.route,
    requests: count(row.requests),
    successes: count(row.successes),
    failures: count(row.failures),
    failovers: count(row.failovers),
    extraLatencyMsSum: count(row.extraLatencyMsSum),
    hedges: count(row.hedges ?? 0),
    hedgesWon: count(row.hedgesWon ?? 0),
  };
}

export function storedKeyRow(row: KeyRollupRow): KeyRollupRow {
  return {
    kind: 'key',
    minute: floorToMinute(row.minute),
    key: row.key,
    requests: count(row.requests),
    successes: count(row.successes),
    failures: count(row.failures),
    failovers: count(row.failovers),
    inputTokens: count(row.inputTokens),
    outputTokens: count(row.outputTokens),
  };
}

export function rollupKey(row: RollupRow): string {
  const minute = floorToMinute(row.minute);
  if (row.kind === 'deployment') return `deployment\u0000${minute}\u0000${row.deployment}`;
  if (row.kind === 'route') return `route\u0000${minute}\u0000${row.route}`;
  return `key\u0000${minute}\u0000${row.key}`;
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

/** A copy of `row` that owns its maps, so adding into it never changes the caller's object. */
export function copyRollup(row: RollupRow): RollupRow {
  if (row.kind !== 'deployment') return { ...row, minute: floorToMinute(row.minute) };
  const latency: LatencyHistogram = {};
  mergeHistogram(latency, row.latency);
  return { ...row, minute: floorToMinute(row.minute), failuresByKind: { ...row.failuresByKind }, latency };
}

/** Adds `from` into `into`; both have the same rollupKey. */
export function addRollup(into: RollupRow, from: RollupRow): void {
  if (into.kind === 'deployment' && from.kind === 'deployment') {
    into.attempts += from.attempts;
    into.successes += from.successes;
    addCounts(into.failuresByKind, from.failuresByKind);
    mergeHistogram(into.latency, from.latency);
    into.ejectedMs += from.ejectedMs;
  } else if (into.kind === 'route' && from.kind === 'route') {
    into.requests += from.requests;
    into.successes += from.successes;
    into.failures += from.failures;
    into.failovers += from.failovers;
    into.extraLatencyMsSum += from.extraLatencyMsSum;
    into.hedges = (into.hedges ?? 0) + (from.hedges ?? 0);
    into.hedgesWon = (into.hedgesWon ?? 0) + (from.hedgesWon ?? 0);
  } else if (into.kind === 'key' && from.kind === 'key') {
    into.requests += from.requests;
    into.successes += from.successes;
    into.failures += from.failures;
    into.failovers += from.failovers;
    into.inputTokens += from.inputTokens;
    into.outputTokens += from.outputTokens;
  }
}

/** One row per key, so a batch never touches the same database row twice. */
export function coalesceRollups(rows: readonly RollupRow[]): RollupRow[] {
  const byKey = new Map<string, RollupRow>();
  for (const row of rows) {
    const key = rollupKey(row);
    const existing = byKey.get(key);
    if (existing) addRollup(existing, row);
    else byKey.set(key, copyRollup(row));
  }
  return [...byKey.values()];
}

function rate(successes: number, total: number): number | null {
  return total > 0 ? successes / total : null;
}

export interface DeploymentSums {
  deployment: string;
  attempts: number;
  successes: number;
  failures: number;
  latencyCount: number;
  ejectedMs: number;
}

/** Availability per deployment from the summed rows, failure counts and histogram buckets of a range. */
export function deploymentAvailabilityFrom(
  sums: readonly DeploymentSums[],
  failures: ReadonlyArray<{ deployment: string; kind: string; count: number }>,
  buckets: ReadonlyArray<{ deployment: string; bucket: number; count: number }>,
): DeploymentAvailability[] {
  const kindsByDeployment = new Map<string, Record<string, number>>();
  for (const entry of failures) {
    if (entry.count <= 0) continue;
    const kinds = kindsByDeployment.get(entry.deployment) ?? {};
    kinds[entry.kind] = (kinds[entry.kind] ?? 0) + entry.count;
    kindsByDeployment.set(entry.deployment, kinds);
  }
  const histograms = new Map<string, LatencyHistogram>();
  for (const entry of buckets) {
    const histogram = histograms.get(entry.deployment) ?? {};
    mergeHistogram(histogram, { [entry.bucket]: entry.count });
    histograms.set(entry.deployment, histogram);
  }
  return [...sums]
    .sort((a, b) => (a.deployment < b.deployment ? -1 : a.deployment > b.deployment ? 1 : 0))
    .map((sum) => {
      const percentiles = histogramPercentiles(histograms.get(sum.deployment) ?? {});
      return {
        deployment: sum.deployment,
        attempts: sum.attempts,
        successes: sum.successes,
        failures: sum.failures,
        successRate: rate(sum.successes, sum.attempts),
        failuresByKind: kindsByDeployment.get(sum.deployment) ?? {},
        latency: percentiles ? { count: sum.latencyCount, ...percentiles } : null,
        ejectedMs: sum.ejectedMs,
      };
    });
}

export interface RouteSums {
  route: string;
  requests: number;
  successes: number;
  failures: number;
  failovers: number;
  extraLatencyMsSum: number;
  hedges: number;
  hedgesWon: number;
}

export function routeAvailabilityFrom(sums: readonly RouteSums[]): RouteAvailability[] {
  return [...sums]
    .sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : 0))
    .map((sum) => ({
      ...sum,
      successRate: rate(sum.successes, sum.requests),
      averageExtraLatencyMs: sum.failovers > 0 ? sum.extraLatencyMsSum / sum.failovers : null,
    }));
}

export type KeySums = Omit<KeyUsage, 'successRate'>;

export function keyUsageFrom(sums: readonly KeySums[]): KeyUsage[] {
  return [...sums]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((sum) => ({ ...sum, successRate: rate(sum.successes, sum.requests) }));
}
