// The shared backend for several replicas: every replica writes to one PostgreSQL database, so incident
// history and reports cover the whole fleet. Cross-replica guarantees come from the database itself:
// a unique partial index opens an incident once, row locks make updates compare-and-set, FOR UPDATE
// SKIP LOCKED hands each due alert to one replica, and an advisory lock serialises migrations when
// replicas start together. Connection errors surface as rejected promises (StoreWriter retries them);
// they never crash the process.
import { hostname } from 'node:os';
import type { PoolClient } from 'pg';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Incident } from '../../incidents/incident.js';
import type { DeliveryClaim, DeliveryOutcome } from '../../alerts/delivery-claims.js';
import {
  queryDeploymentAvailability,
  queryKeyUsage,
  queryRouteAvailability,
  type RangeQuery,
} from './availability-queries.js';
import { mergeIncident, sameIncident } from './incident-merge.js';
import type { AlertDelivery, IncidentQuery, IncidentStore, MigrationResult, StoreOptions } from './incident-store.js';
import { PostgresConnection, type PostgresConnectionOptions } from './postgres-connection.js';
import { pendingMigrations, schemaMigrationsTable } from './migrations.js';
import { scheduleRetention, type RetentionSchedule } from './retention-schedule.js';
import { coalesceRollups, storedDeploymentRow, storedRouteRow } from './rollup-math.js';
import type {
  DeploymentAvailability,
  PruneResult,
  RollupRow,
  RouteAvailability,
  KeyUsage,
  TimeRange,
  WriteRollupsOptions,
} from './rollup-rows.js';
import { StoreError } from './store-error.js';
import {
  alertDeliveryFromRow,
  type DatabaseRow,
  incidentColumns,
  incidentFromRow,
  truncateError,
} from './store-rows.js';
import {
  insertIncidentSql,
  listAlertDeliveriesSql,
  listIncidentsSql,
  postgresDialect,
  pruneSql,
  updateIncidentSql,
  updateIncidentValues,
  upsertDeploymentRollupSql,
  upsertKeyRollupSql,
  keyRollupParameters,
  upsertRouteRollupSql,
} from './store-sql.js';

// JSONB comes back parsed; JSON goes in as text cast to JSONB (a JS array would otherwise be sent as a
// PostgreSQL array).
const decodeJson = (value: unknown): unknown => value;
const encodeJson = (value: unknown): string => JSON.stringify(value ?? null);
const encode = { json: encodeJson, boolean: (value: boolean) => value };

/** Key of the session advisory lock that serialises migrations ("Swyd"). */
const migrationLockKey = 0x53777964;

export interface PostgresStoreOptions extends StoreOptions, PostgresConnectionOptions {}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PostgresStore implements IncidentStore {
  readonly backend = 'postgres' as const;
  private readonly clock: Clock;
  private readonly replicaId: string;
  private retention?: RetentionSchedule;
  private closed = false;

  private constructor(
    private readonly connection: PostgresConnection,
    options: StoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.replicaId = options.replicaId ?? `${hostname()}:${process.pid}`;
  }

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const connection = new PostgresConnection(url, options);
    const store = new PostgresStore(connection, options);
    try {
      if (options.migrate !== false) await store.migrate();
    } catch (error) {
      await connection.end().catch(() => {});
      throw error;
    }
    if (options.retentionDays !== undefined && options.retentionDays > 0) {
      store.retention = scheduleRetention(store, {
        retentionDays: options.retentionDays,
        clock: store.clock,
        logger: options.logger,
      });
    }
    return store;
  }

  private query(sql: string, parameters: unknown[] = [], client?: PoolClient): Promise<DatabaseRow[]> {
    return this.connection.query(sql, parameters, client);
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.connection.transaction(work);
  }

  async migrate(options: { toVersion?: number } = {}): Promise<MigrationResult> {
    // Blocks while another replica migrates; once it is through, the versions it applied are seen here.
    return this.connection.withAdvisoryLock(migrationLockKey, async (client) => {
      await client.query(schemaMigrationsTable.postgres);
      const rows = await this.query('SELECT version FROM schema_migrations', [], client);
      const applied = new Set(rows.map((row) => Number(row.version)));
      const pending = pendingMigrations(applied, options.toVersion);
      for (const migration of pending) {
        try {
          await client.query('BEGIN');
          for (const statement of migration.postgres) await client.query(statement);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            this.clock.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw new StoreError(
            'SWITCHYARD_STORE_MIGRATION',
            `migration ${migration.version} (${migration.name}) failed: ${errorMessage(error)}`,
          );
        }
        applied.add(migration.version);
      }
      return { applied: pending.map((migration) => migration.version), version: Math.max(0, ...applied) };
    });
  }

  async schemaVersion(): Promise<number> {
    const [table] = await this.query(`SELECT to_regclass('schema_migrations') AS name`);
    if (!table?.name) return 0;
    const [row] = await this.query('SELECT MAX(version) AS version FROM schema_migrations');
    return Number(row?.version ?? 0);
  }

  async saveIncident(incident: Incident): Promise<Incident> {
    // Two replicas opening the same scope at once both find nothing and insert: the second insert hits
    // the one-open-per-scope index, and its next try merges into the first one's row.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.transaction((client) => this.saveIn(client, incident));
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  private async saveIn(client: PoolClient, incident: Incident): Promise<Incident> {
    // Rows stay locked until commit: another replica's write waits and then merges into this one.
    const [byId] = await this.query('SELECT * FROM incidents WHERE id = $1 FOR UPDATE', [incident.id], client);
    const [open] =
      byId || incident.status !== 'open'
        ? []
        : await this.query(
            'SELECT * FROM incidents WHERE scope = $1 AND scope_key = $2 AND resolved_at IS NULL FOR UPDATE',
            [incident.scope, incident.key],
            client,
          );
    const row = byId ?? open;
    const now = this.clock.now();
    if (!row) {
      await this.query(
        insertIncidentSql(postgresDialect),
        incidentColumns(incident, this.replicaId, now, encode),
        client,
      );
      return structuredClone(incident);
    }
    const stored = incidentFromRow(row, decodeJson);
    const merged = mergeIncident(stored, { ...incident, id: stored.incident.id }, this.replicaId);
    if (!sameIncident(merged, stored.incident)) {
      const values = incidentColumns(merged, stored.createdBy, now, encode);
      await this.query(updateIncidentSql(postgresDialect), updateIncidentValues(values), client);
    }
    return merged;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const [row] = await this.query('SELECT * FROM incidents WHERE id = $1', [id]);
    return row ? incidentFromRow(row, decodeJson).incident : undefined;
  }

  async listIncidents(query: IncidentQuery): Promise<Incident[]> {
    const { sql, parameters } = listIncidentsSql(postgresDialect, query);
    return (await this.query(sql, parameters)).map((row) => incidentFromRow(row, decodeJson).incident);
  }

  async claimAlertDelivery(claim: DeliveryClaim): Promise<boolean> {
    const inserted = await this.query(
      `INSERT INTO alert_outbox (dedup_key, sink, incident_id, transition, payload, attempts, next_attempt_at, lease_owner, created_at)
        VALUES ($1, $2, $3, $4, $5::jsonb, 0, $6, $7, $6) ON CONFLICT (dedup_key, sink) DO NOTHING RETURNING id`,
      [
        claim.idempotencyKey,
        claim.sink,
        claim.alert.incident.id,
        claim.alert.transition,
        encodeJson(claim.alert),
        claim.at,
        claim.owner,
      ],
    );
    return inserted.length === 1;
  }

  async recordAlertOutcome(idempotencyKey: string, sink: string, outcome: DeliveryOutcome): Promise<void> {
    await this.query(
      'UPDATE alert_outbox SET status = $1, attempts = $2, sent_at = $3, last_error = $4 WHERE dedup_key = $5 AND sink = $6',
      [
        outcome.status,
        outcome.attempts,
        outcome.status === 'sent' ? outcome.at : null,
        outcome.status === 'abandoned' ? truncateError(outcome.error) : null,
        idempotencyKey,
        sink,
      ],
    );
  }

  async listAlertDeliveries(incidentIds: readonly string[]): Promise<AlertDelivery[]> {
    if (incidentIds.length === 0) return [];
    return (await this.query(listAlertDeliveriesSql(postgresDialect, incidentIds), [...incidentIds])).map(
      alertDeliveryFromRow,
    );
  }

  async writeRollups(rows: readonly RollupRow[], options: WriteRollupsOptions = {}): Promise<{ applied: boolean }> {
    const coalesced = coalesceRollups(rows);
    return this.transaction(async (client) => {
      if (options.batchId !== undefined) {
        const marked = await this.query(
          'INSERT INTO applied_write_batches (batch_id, applied_at) VALUES ($1, $2) ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id',
          [options.batchId, this.clock.now()],
          client,
        );
        if (marked.length === 0) return { applied: false };
      }
      for (const row of coalesced) {
        if (row.kind === 'key') {
          await this.query(upsertKeyRollupSql(postgresDialect), keyRollupParameters(row), client);
        } else if (row.kind === 'deployment') {
          const stored = storedDeploymentRow(row);
          await this.query(
            upsertDeploymentRollupSql(postgresDialect),
            [
              stored.minute,
              stored.deployment,
              this.replicaId,
              stored.attempts,
              stored.successes,
              stored.failures,
              encodeJson(stored.failuresByKind),
              stored.latencyCount,
              encodeJson(stored.latency),
              stored.ejectedMs,
            ],
            client,
          );
        } else {
          const stored = storedRouteRow(row);
          await this.query(
            upsertRouteRollupSql(postgresDialect),
            [
              stored.minute,
              stored.route,
              stored.requests,
              stored.successes,
              stored.failures,
              stored.failovers,
              stored.extraLatencyMsSum,
              stored.hedges,
              stored.hedgesWon,
            ],
            client,
          );
        }
      }
      return { applied: true };
    });
  }

  /** Runs a rollup query over the range (until now when it has no end). */
  private inRange<T>(query: RangeQuery<T>, range: TimeRange): Promise<T> {
    return query(
      postgresDialect,
      (sql, parameters) => this.query(sql, parameters),
      range.since,
      range.until ?? this.clock.now(),
    );
  }

  async deploymentAvailability(range: TimeRange): Promise<DeploymentAvailability[]> {
    return this.inRange(queryDeploymentAvailability, range);
  }

  async routeAvailability(range: TimeRange): Promise<RouteAvailability[]> {
    return this.inRange(queryRouteAvailability, range);
  }

  async keyUsage(range: TimeRange): Promise<KeyUsage[]> {
    return this.inRange(queryKeyUsage, range);
  }

  async pruneOlderThan(cutoff: number): Promise<PruneResult> {
    const statements = pruneSql(postgresDialect);
    return this.transaction(async (client) => {
      const count = async (sql: string) => (await client.query(sql, [cutoff])).rowCount ?? 0;
      const rollups =
        (await count(statements.deploymentRollups)) +
        (await count(statements.routeRollups)) +
        (await count(statements.keyRollups));
      const incidents = await count(statements.incidents);
      const alerts = await count(statements.alerts);
      await count(statements.batches);
      return { rollups, incidents, alerts };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retention?.stop();
    await this.connection.end();
  }
}
