// The schema's history, oldest first, as SQL per dialect. Never edit an applied migration: add the next
// number. Times are epoch milliseconds (INTEGER in SQLite, BIGINT in PostgreSQL); JSON is TEXT in
// SQLite and JSONB in PostgreSQL.
import type { StoreBackend } from './incident-store.js';

export interface Migration {
  version: number;
  name: string;
  sqlite: string[];
  postgres: string[];
}

/** Bookkeeping table, created before any migration runs. */
export const schemaMigrationsTable: Record<StoreBackend, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`,
};

function incidentsTable(time: string, json: string): string {
  return `CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('deployment', 'provider', 'domain')),
    scope_key TEXT NOT NULL,
    parent_id TEXT,
    severity TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    first_failure_at ${time},
    detected_at ${time} NOT NULL,
    resolved_at ${time},
    evidence ${json} NOT NULL,
    updates ${json} NOT NULL,
    status_page ${json},
    created_by TEXT,
    updated_at ${time} NOT NULL,
    CHECK ((status = 'open') = (resolved_at IS NULL))
  )`;
}

// One open incident per scope across every replica sharing the database: the second insert conflicts.
const incidentIndexes = [
  'CREATE UNIQUE INDEX incidents_one_open_per_scope ON incidents (scope, scope_key) WHERE resolved_at IS NULL',
  'CREATE INDEX incidents_by_detected_at ON incidents (detected_at)',
  'CREATE INDEX incidents_by_parent ON incidents (parent_id)',
];

function alertOutboxTable(id: string, time: string, json: string): string {
  return `CREATE TABLE alert_outbox (
    id ${id},
    dedup_key TEXT NOT NULL,
    sink TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    transition TEXT NOT NULL,
    payload ${json} NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'abandoned')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at ${time} NOT NULL,
    lease_owner TEXT,
    lease_expires_at ${time},
    last_error TEXT,
    created_at ${time} NOT NULL,
    sent_at ${time},
    UNIQUE (dedup_key, sink)
  )`;
}

const alertIndexes = [
  'CREATE INDEX alert_outbox_due ON alert_outbox (status, next_attempt_at)',
  'CREATE INDEX alert_outbox_by_incident ON alert_outbox (incident_id)',
];

// Deployment rows are kept per replica so that `ejected_ms` can be combined with MAX across replicas
// (two replicas seeing the same ejection is one ejection) while still adding up within a replica.
function rollupTables(time: string, count: string, json: string): string[] {
  return [
    `CREATE TABLE deployment_rollups (
      minute ${time} NOT NULL,
      deployment TEXT NOT NULL,
      replica_id TEXT NOT NULL,
      attempts ${count} NOT NULL,
      successes ${count} NOT NULL,
      failures ${count} NOT NULL,
      failures_by_kind ${json} NOT NULL,
      latency_count ${count} NOT NULL,
      latency_histogram ${json} NOT NULL,
      ejected_ms ${count} NOT NULL,
      PRIMARY KEY (minute, deployment, replica_id)
    )`,
    `CREATE TABLE route_rollups (
      minute ${time} NOT NULL,
      route TEXT NOT NULL,
      requests ${count} NOT NULL,
      successes ${count} NOT NULL,
      failures ${count} NOT NULL,
      failovers ${count} NOT NULL,
      extra_latency_ms_sum ${count} NOT NULL,
      PRIMARY KEY (minute, route)
    )`,
    // Batches already applied, so that a writer retrying a batch whose commit it did not hear about
    // does not count it twice.
    `CREATE TABLE applied_write_batches (
      batch_id TEXT PRIMARY KEY,
      applied_at ${time} NOT NULL
    )`,
  ];
}

// Adds two JSON objects of counts key by key ({"server": 2} + {"server": 1, "timeout": 1}). SQLite gets
// the same function from the driver (sqlite-store.ts) because it cannot define SQL functions itself.
const postgresAddCounts = `CREATE OR REPLACE FUNCTION switchyard_add_counts(a JSONB, b JSONB) RETURNS JSONB
  LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (
      SELECT key, SUM(value::numeric) AS total
      FROM (
        SELECT key, value FROM jsonb_each_text(COALESCE(a, '{}'::jsonb))
        UNION ALL
        SELECT key, value FROM jsonb_each_text(COALESCE(b, '{}'::jsonb))
      ) AS entries
      GROUP BY key
    ) AS sums
  $$`;

// Version 4 makes the table hold the detector's own incident model. Before it, the title and the
// alerting flag travelled inside the evidence JSON, timeline entries named their type `kind`, and a
// scope key might be written `<scope>:<key>`. Existing rows are carried over: title and alerting move
// to columns (with the fallbacks the old reader used), `kind` becomes `type`, keys lose the prefix.
function bareKeySql(substring: string): string {
  return `CASE WHEN ${substring}(scope_key, 1, length(scope) + 1) = scope || ':' THEN ${substring}(scope_key, length(scope) + 2) ELSE scope_key END`;
}

const sqliteIncidentModel = [
  `ALTER TABLE incidents ADD COLUMN title TEXT NOT NULL DEFAULT ''`,
  'ALTER TABLE incidents ADD COLUMN alerting INTEGER NOT NULL DEFAULT 1',
  'ALTER TABLE incidents RENAME COLUMN first_failure_at TO first_failed_at',
  `UPDATE incidents SET
    title = COALESCE(
      CASE WHEN json_type(evidence, '$.title') = 'text' THEN json_extract(evidence, '$.title') END,
      scope || ' ' || ${bareKeySql('substr')}),
    alerting = COALESCE(
      CASE WHEN json_type(evidence, '$.alerting') IN ('true', 'false') THEN json_extract(evidence, '$.alerting') END,
      parent_id IS NULL),
    evidence = CASE WHEN json_type(evidence) = 'object' THEN json_remove(evidence, '$.title', '$.alerting') ELSE evidence END,
    updates = COALESCE((
      SELECT json_group_array(CASE
        WHEN json_type(entry.value, '$.kind') IS NOT NULL AND json_type(entry.value, '$.type') IS NULL
          THEN json_set(json_remove(entry.value, '$.kind'), '$.type', json_extract(entry.value, '$.kind'))
        ELSE json(entry.value) END)
      FROM json_each(incidents.updates) AS entry), '[]'),
    scope_key = ${bareKeySql('substr')}`,
];

const postgresIncidentModel = [
  `ALTER TABLE incidents ADD COLUMN title TEXT NOT NULL DEFAULT ''`,
  'ALTER TABLE incidents ADD COLUMN alerting BOOLEAN NOT NULL DEFAULT TRUE',
  'ALTER TABLE incidents RENAME COLUMN first_failure_at TO first_failed_at',
  `UPDATE incidents SET
    title = COALESCE(
      CASE WHEN jsonb_typeof(evidence -> 'title') = 'string' THEN evidence ->> 'title' END,
      scope || ' ' || ${bareKeySql('substr')}),
    alerting = COALESCE(
      CASE WHEN jsonb_typeof(evidence -> 'alerting') = 'boolean' THEN (evidence -> 'alerting')::boolean END,
      parent_id IS NULL),
    evidence = CASE WHEN jsonb_typeof(evidence) = 'object' THEN evidence - 'title' - 'alerting' ELSE evidence END,
    updates = COALESCE((
      SELECT jsonb_agg(CASE
        WHEN jsonb_typeof(entry) = 'object' AND entry ? 'kind' AND NOT entry ? 'type'
          THEN (entry - 'kind') || jsonb_build_object('type', entry -> 'kind')
        ELSE entry END ORDER BY position)
      FROM jsonb_array_elements(incidents.updates) WITH ORDINALITY AS elements(entry, position)), '[]'::jsonb),
    scope_key = ${bareKeySql('substr')}`,
];

// Version 5 counts hedges per route and minute; rows written before it count none.
function routeHedgeColumns(count: string): string[] {
  return [
    `ALTER TABLE route_rollups ADD COLUMN hedges ${count} NOT NULL DEFAULT 0`,
    `ALTER TABLE route_rollups ADD COLUMN hedges_won ${count} NOT NULL DEFAULT 0`,
  ];
}

// Version 6 counts each gateway key's requests, failovers and tokens per minute, by the key's name.
function keyRollupsTable(time: string, count: string): string {
  return `CREATE TABLE key_rollups (
    minute ${time} NOT NULL,
    key_name TEXT NOT NULL,
    requests ${count} NOT NULL,
    successes ${count} NOT NULL,
    failures ${count} NOT NULL,
    failovers ${count} NOT NULL,
    input_tokens ${count} NOT NULL,
    output_tokens ${count} NOT NULL,
    PRIMARY KEY (minute, key_name)
  )`;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'incidents',
    sqlite: [incidentsTable('INTEGER', 'TEXT'), ...incidentIndexes],
    postgres: [incidentsTable('BIGINT', 'JSONB'), ...incidentIndexes],
  },
  {
    version: 2,
    name: 'alert outbox',
    sqlite: [alertOutboxTable('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER', 'TEXT'), ...alertIndexes],
    postgres: [alertOutboxTable('BIGSERIAL PRIMARY KEY', 'BIGINT', 'JSONB'), ...alertIndexes],
  },
  {
    version: 3,
    name: 'per-minute rollups',
    // Both primary keys lead with `minute`, which is what range queries and pruning need.
    sqlite: rollupTables('INTEGER', 'INTEGER', 'TEXT'),
    postgres: [...rollupTables('BIGINT', 'BIGINT', 'JSONB'), postgresAddCounts],
  },
  {
    version: 4,
    name: 'incident model: title and alerting as columns',
    sqlite: sqliteIncidentModel,
    postgres: postgresIncidentModel,
  },
  {
    version: 5,
    name: 'hedges per route in the rollups',
    sqlite: routeHedgeColumns('INTEGER'),
    postgres: routeHedgeColumns('BIGINT'),
  },
  {
    version: 6,
    name: 'per-key usage in the rollups',
    sqlite: [keyRollupsTable('INTEGER', 'INTEGER')],
    postgres: [keyRollupsTable('BIGINT', 'BIGINT')],
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;

/** Migrations not yet applied, up to `toVersion`, in order. */
export function pendingMigrations(applied: ReadonlySet<number>, toVersion = latestSchemaVersion): Migration[] {
  return migrations.filter((migration) => migration.version <= toVersion && !applied.has(migration.version));
}
