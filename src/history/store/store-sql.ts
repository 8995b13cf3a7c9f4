// SQL that both backends share, written once with the dialect's differences passed in: placeholders
// (`?` for SQLite, `$n` for PostgreSQL), JSON casts, the JSON table function and LEAST vs MIN.
import type { IncidentQuery, StoreBackend } from './incident-store.js';
import { incidentColumnNames, isJsonColumn } from './store-rows.js';
import { minuteMs, storedKeyRow } from './rollup-math.js';
import type { KeyRollupRow } from './rollup-rows.js';

export interface Dialect {
  backend: StoreBackend;
  /** Placeholder for the nth (1-based) parameter. */
  parameter(index: number): string;
  /** Placeholder for a JSON parameter (cast to JSONB on PostgreSQL). */
  jsonParameter(index: number): string;
  /** FROM item that expands a JSON object column into (key, value) rows, aliased `entry`. */
  jsonEntries(column: string): string;
  /** The entry's value as a number. */
  entryNumber: string;
  least: string;
}

export const sqliteDialect: Dialect = {
  backend: 'sqlite',
  parameter: () => '?',
  jsonParameter: () => '?',
  jsonEntries: (column) => `json_each(${column}) AS entry`,
  entryNumber: 'entry.value',
  least: 'MIN',
};

export const postgresDialect: Dialect = {
  backend: 'postgres',
  parameter: (index) => `$${index}`,
  jsonParameter: (index) => `$${index}::jsonb`,
  jsonEntries: (column) => `jsonb_each_text(${column}) AS entry(key, value)`,
  entryNumber: 'entry.value::bigint',
  least: 'LEAST',
};

export function insertIncidentSql(dialect: Dialect): string {
  const values = incidentColumnNames.map((_, index) =>
    isJsonColumn(index + 1) ? dialect.jsonParameter(index + 1) : dialect.parameter(index + 1),
  );
  return `INSERT INTO incidents (${incidentColumnNames.join(', ')}) VALUES (${values.join(', ')})`;
}

/** Sets every column but id; parameters: the insert's without the id, then the id (see updateIncidentValues). */
export function updateIncidentSql(dialect: Dialect): string {
  const assignments = incidentColumnNames.slice(1).map((column, index) => {
    const value = isJsonColumn(index + 2) ? dialect.jsonParameter(index + 1) : dialect.parameter(index + 1);
    return `${column} = ${value}`;
  });
  return `UPDATE incidents SET ${assignments.join(', ')} WHERE id = ${dialect.parameter(incidentColumnNames.length)}`;
}

/** The insert's parameters reordered for updateIncidentSql. */
export function updateIncidentValues(insertValues: readonly unknown[]): unknown[] {
  return [...insertValues.slice(1), insertValues[0]];
}

export function listIncidentsSql(dialect: Dialect, query: IncidentQuery): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const add = (value: unknown) => {
    parameters.push(value);
    return dialect.parameter(parameters.length);
  };
  const conditions = [`(resolved_at IS NULL OR resolved_at >= ${add(query.since)})`];
  if (query.until !== undefined) conditions.push(`detected_at < ${add(query.until)}`);
  if (query.scope !== undefined) conditions.push(`scope = ${add(query.scope)}`);
  if (query.key !== undefined) conditions.push(`scope_key = ${add(query.key)}`);
  if (query.status !== undefined) conditions.push(`status = ${add(query.status)}`);
  if (query.parentId !== undefined) conditions.push(`parent_id = ${add(query.parentId)}`);
  const limit = add(Math.max(1, Math.floor(query.limit ?? 100)));
  return {
    sql: `SELECT * FROM incidents WHERE ${conditions.join(' AND ')} ORDER BY detected_at DESC, id LIMIT ${limit}`,
    parameters,
  };
}

export function upsertDeploymentRollupSql(dialect: Dialect): string {
  const p = dialect.parameter;
  const j = dialect.jsonParameter;
  const table = 'deployment_rollups';
  return `INSERT INTO ${table} (minute, deployment, replica_id, attempts, successes, failures, failures_by_kind, latency_count, latency_histogram, ejected_ms)
    VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${j(7)}, ${p(8)}, ${j(9)}, ${p(10)})
    ON CONFLICT (minute, deployment, replica_id) DO UPDATE SET
      attempts = ${table}.attempts + excluded.attempts,
      successes = ${table}.successes + excluded.successes,
      failures = ${table}.failures + excluded.failures,
      failures_by_kind = switchyard_add_counts(${table}.failures_by_kind, excluded.failures_by_kind),
      latency_count = ${table}.latency_count + excluded.latency_count,
      latency_histogram = switchyard_add_counts(${table}.latency_histogram, excluded.latency_histogram),
      ejected_ms = ${dialect.least}(${minuteMs}, ${table}.ejected_ms + excluded.ejected_ms)`;
}

/**
 * An insert of one row of per-minute counters that adds its counts to a row already there with the same
 * key: the form every additive rollup table takes. Parameters: the key columns, then the counts, in order.
 */
function addingUpsertSql(dialect: Dialect, table: string, keys: readonly string[], counts: readonly string[]): string {
  const columns = [...keys, ...counts];
  const values = columns.map((_, index) => dialect.parameter(index + 1));
  const additions = counts.map((column) => `${column} = ${table}.${column} + excluded.${column}`);
  return `INSERT INTO ${table} (${columns.join(', ')})
    VALUES (${values.join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
      ${additions.join(',\n      ')}`;
}

export function upsertRouteRollupSql(dialect: Dialect): string {
  return addingUpsertSql(
    dialect,
    'route_rollups',
    ['minute', 'route'],
    ['requests', 'successes', 'failures', 'failovers', 'extra_latency_ms_sum', 'hedges', 'hedges_won'],
  );
}

export function upsertKeyRollupSql(dialect: Dialect): string {
  return addingUpsertSql(
    dialect,
    'key_rollups',
    ['minute', 'key_name'],
    ['requests', 'successes', 'failures', 'failovers', 'input_tokens', 'output_tokens'],
  );
}

/** upsertKeyRollupSql's parameters for a row, normalised for storage. */
export function keyRollupParameters(row: KeyRollupRow): unknown[] {
  const stored = storedKeyRow(row);
  return [
    stored.minute,
    stored.key,
    stored.requests,
    stored.successes,
    stored.failures,
    stored.failovers,
    stored.inputTokens,
    stored.outputTokens,
  ];
}

/** Queries over [since, until) by minute; each takes (since, until) as its two parameters. */
export function availabilitySql(dialect: Dialect) {
  const range = `minute >= ${dialect.parameter(1)} AND minute < ${dialect.parameter(2)}`;
  return {
    // Counters add up across replicas; ejection time is the longest any replica saw in each minute.
    deploymentSums: `SELECT deployment, SUM(attempts) AS attempts, SUM(successes) AS successes, SUM(failures) AS failures,
        SUM(latency_count) AS latency_count, SUM(ejected_ms) AS ejected_ms
      FROM (
        SELECT deployment, minute, SUM(attempts) AS attempts, SUM(successes) AS successes, SUM(failures) AS failures,
          SUM(latency_count) AS latency_count, MAX(ejected_ms) AS ejected_ms
        FROM deployment_rollups WHERE ${range} GROUP BY deployment, minute
      ) AS per_minute
      GROUP BY deployment`,
    failuresByKind: `SELECT deployment, entry.key AS kind, SUM(${dialect.entryNumber}) AS count
      FROM deployment_rollups, ${dialect.jsonEntries('failures_by_kind')}
      WHERE ${range} GROUP BY deployment, entry.key`,
    latencyBuckets: `SELECT deployment, entry.key AS bucket, SUM(${dialect.entryNumber}) AS count
      FROM deployment_rollups, ${dialect.jsonEntries('latency_histogram')}
      WHERE ${range} GROUP BY deployment, entry.key`,
    routeSums: `SELECT route, SUM(requests) AS requests, SUM(successes) AS successes, SUM(failures) AS failures,
        SUM(failovers) AS failovers, SUM(extra_latency_ms_sum) AS extra_latency_ms_sum,
        SUM(hedges) AS hedges, SUM(hedges_won) AS hedges_won
      FROM route_rollups WHERE ${range} GROUP BY route`,
    keySums: `SELECT key_name, SUM(requests) AS requests, SUM(successes) AS successes, SUM(failures) AS failures,
        SUM(failovers) AS failovers, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens
      FROM key_rollups WHERE ${range} GROUP BY key_name`,
  };
}

/** Retention deletes; each takes the cutoff as its only parameter. */
export function pruneSql(dialect: Dialect) {
  const cutoff = dialect.parameter(1);
  return {
    deploymentRollups: `DELETE FROM deployment_rollups WHERE minute < ${cutoff}`,
    routeRollups: `DELETE FROM route_rollups WHERE minute < ${cutoff}`,
    keyRollups: `DELETE FROM key_rollups WHERE minute < ${cutoff}`,
    incidents: `DELETE FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < ${cutoff}`,
    alerts: `DELETE FROM alert_outbox WHERE status <> 'pending' AND created_at < ${cutoff}`,
    batches: `DELETE FROM applied_write_batches WHERE applied_at < ${cutoff}`,
  };
}

/** Alert deliveries of the given incidents (what the dashboard shows as "alerts sent"). */
export function listAlertDeliveriesSql(dialect: Dialect, incidentIds: readonly string[]): string {
  const placeholders = incidentIds.map((_id, index) => dialect.parameter(index + 1)).join(', ');
  return `SELECT incident_id, transition, sink, status, attempts, created_at, sent_at FROM alert_outbox
    WHERE incident_id IN (${placeholders}) ORDER BY created_at, id`;
}
