// Runs the availability queries on either backend (given its query function) and turns the summed
// rows into report figures. Percentiles come from the merged histograms of the whole range, not from
// averaging per-minute percentiles (which would be wrong).
import { deploymentAvailabilityFrom, keyUsageFrom, routeAvailabilityFrom } from './rollup-math.js';
import type { DeploymentAvailability, KeyUsage, RouteAvailability } from './rollup-rows.js';
import { availabilitySql, type Dialect } from './store-sql.js';
import { toNumber, type DatabaseRow } from './store-rows.js';

export type RunQuery = (sql: string, parameters: unknown[]) => Promise<DatabaseRow[]>;

/** A query over the rollups of [since, until), as each backend runs it (see the stores' `inRange`). */
export type RangeQuery<T> = (dialect: Dialect, run: RunQuery, since: number, until: number) => Promise<T>;

export async function queryDeploymentAvailability(
  dialect: Dialect,
  run: RunQuery,
  since: number,
  until: number,
): Promise<DeploymentAvailability[]> {
  const sql = availabilitySql(dialect);
  const parameters = [since, until];
  const [sums, failures, buckets] = [
    await run(sql.deploymentSums, parameters),
    await run(sql.failuresByKind, parameters),
    await run(sql.latencyBuckets, parameters),
  ];
  return deploymentAvailabilityFrom(
    sums.map((row) => ({
      deployment: String(row.deployment),
      attempts: toNumber(row.attempts),
      successes: toNumber(row.successes),
      failures: toNumber(row.failures),
      latencyCount: toNumber(row.latency_count),
      ejectedMs: toNumber(row.ejected_ms),
    })),
    failures.map((row) => ({ deployment: String(row.deployment), kind: String(row.kind), count: toNumber(row.count) })),
    buckets.map((row) => ({
      deployment: String(row.deployment),
      bucket: toNumber(row.bucket),
      count: toNumber(row.count),
    })),
  );
}

export async function queryRouteAvailability(
  dialect: Dialect,
  run: RunQuery,
  since: number,
  until: number,
): Promise<RouteAvailability[]> {
  const rows = await run(availabilitySql(dialect).routeSums, [since, until]);
  return routeAvailabilityFrom(
    rows.map((row) => ({
      route: String(row.route),
      requests: toNumber(row.requests),
      successes: toNumber(row.successes),
      failures: toNumber(row.failures),
      failovers: toNumber(row.failovers),
      extraLatencyMsSum: toNumber(row.extra_latency_ms_sum),
      hedges: toNumber(row.hedges),
      hedgesWon: toNumber(row.hedges_won),
    })),
  );
}

export async function queryKeyUsage(
  dialect: Dialect,
  run: RunQuery,
  since: number,
  until: number,
): Promise<KeyUsage[]> {
  const rows = await run(availabilitySql(dialect).keySums, [since, until]);
  return keyUsageFrom(
    rows.map((row) => ({
      key: String(row.key_name),
      requests: toNumber(row.requests),
      successes: toNumber(row.successes),
      failures: toNumber(row.failures),
      failovers: toNumber(row.failovers),
      inputTokens: toNumber(row.input_tokens),
      outputTokens: toNumber(row.output_tokens),
    })),
  );
}
