// The shared backend for several replicas: every replica writes to one PostgreSQL database, so incident
// history and reports cover the whole fleet. Cross-replica guarantees come from the database itself:
// a unique partial index opens an incident once, row locks make updates compare-and-set, FOR UPDATE
// SKIP LOCKED hands each due alert to one replica, and an advisory lock serialises migrations when
// replicas start together. Connection errors surface as rejected promises (StoreWriter retries them);
// they never crash the process.
import { hostname } from 'node:os';
import type { PoolClient } from 'pg';
import { systemClock, type Clock } from '../../util/clock.js';
import type { AlertQuery, AlertRecord, EnqueuedAlert, NewAlert } from './alert-record.js';
import { queryDeploymentAvailability, queryRouteAvailability } from './availability-queries.js';
import {
  incidentColumns,
  incidentUpdateValues,
  matchesExpectation,
  newIncidentRecord,
  patchedIncident,
} from './incident-changes.js';
import type {
  IncidentClaim,
  IncidentExpectation,
  IncidentPatch,
  IncidentQuery,
  IncidentRecord,
  IncidentScope,
  NewIncident,
} from './incident-record.js';
import type { IncidentChange, IncidentStore, MigrationResult, StoreOptions } from './incident-store.js';
import { PostgresConnection, type PostgresConnectionOptions } from './postgres-connection.js';
import { pendingMigrations, schemaMigrationsTable } from './migrations.js';
import { scheduleRetention, type RetentionSchedule } from './retention-schedule.js';
import { coalesceRollups, storedDeploymentRow, storedRouteRow } from './rollup-math.js';
import type {
  DeploymentAvailability,
  PruneResult,
  RollupRow,
  RouteAvailability,
  TimeRange,
  WriteRollupsOptions,
} from './rollup-rows.js';
import { StoreError } from './store-error.js';
import { alertFromRow, incidentFromRow, truncateError, leaseOwnerCondition, type DatabaseRow } from './store-rows.js';
import {
  insertIncidentSql,
  listIncidentsSql,
  postgresDialect,
  pruneSql,
  updateIncidentSql,
  upsertDeploymentRollupSql,
  upsertRouteRollupSql,
} from './store-sql.js';

// JSONB comes back parsed; JSON goes in as text cast to JSONB (a JS array would otherwise be sent as a
// PostgreSQL array).
const decodeJson = (value: unknown): unknown => value;
const encodeJson = (value: unknown): string => JSON.stringify(value ?? null);

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
    const connection = new PostgresConnection(url, options, options.clock ?? systemClock, options.logger);
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

  async insertIncident(incident: NewIncident): Promise<IncidentRecord> {
    const record = newIncidentRecord(incident, this.clock.now(), this.replicaId);
    try {
      await this.query(insertIncidentSql(postgresDialect), incidentColumns(record, encodeJson));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError(
          'SWITCHYARD_STORE_CONFLICT',
          `incident ${record.id} conflicts with an existing one (same id, or ${record.scope} ${record.scopeKey} already open)`,
        );
      }
      throw error;
    }
    return record;
  }

  async claimIncident(incident: NewIncident): Promise<IncidentClaim> {
    const record = newIncidentRecord(incident, this.clock.now(), this.replicaId);
    if (record.status === 'resolved') return { incident: await this.insertIncident(incident), created: true };
    // The open incident we conflicted with may be resolved before we read it; then try again.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const inserted = await this.query(
        `${insertIncidentSql(postgresDialect)} ON CONFLICT (scope, scope_key) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
        incidentColumns(record, encodeJson),
      ).catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new StoreError('SWITCHYARD_STORE_CONFLICT', `incident id ${record.id} is already taken`);
        throw error;
      });
      if (inserted.length === 1) return { incident: record, created: true };
      const existing = await this.findOpenIncident(record.scope, record.scopeKey);
      if (existing) return { incident: existing, created: false };
    }
    throw new StoreError(
      'SWITCHYARD_STORE_CONFLICT',
      `could not claim ${record.scope} ${record.scopeKey}: its open incident keeps changing`,
    );
  }

  async updateIncident(
    id: string,
    patch: IncidentPatch,
    expect?: IncidentExpectation,
  ): Promise<IncidentRecord | undefined> {
    return this.modifyIncident(id, (current) => (matchesExpectation(current, expect) ? patch : undefined));
  }

  async modifyIncident(id: string, change: IncidentChange): Promise<IncidentRecord | undefined> {
    try {
      return await this.transaction(async (client) => {
        // The row stays locked until commit: another replica's change waits and then sees this one.
        const [row] = await this.query('SELECT * FROM incidents WHERE id = $1 FOR UPDATE', [id], client);
        if (!row) return undefined;
        const current = incidentFromRow(row, decodeJson);
        const patch = change(current);
        if (!patch) return undefined;
        const next = patchedIncident(current, patch, this.clock.now());
        await this.query(updateIncidentSql(postgresDialect), incidentUpdateValues(next, encodeJson), client);
        return next;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new StoreError(
          'SWITCHYARD_STORE_CONFLICT',
          `cannot reopen incident ${id}: its scope already has an open one`,
        );
      throw error;
    }
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const [row] = await this.query('SELECT * FROM incidents WHERE id = $1', [id]);
    return row ? incidentFromRow(row, decodeJson) : undefined;
  }

  async findOpenIncident(scope: IncidentScope, scopeKey: string): Promise<IncidentRecord | undefined> {
    const [row] = await this.query(
      'SELECT * FROM incidents WHERE scope = $1 AND scope_key = $2 AND resolved_at IS NULL',
      [scope, scopeKey],
    );
    return row ? incidentFromRow(row, decodeJson) : undefined;
  }

  async listIncidents(query: IncidentQuery): Promise<IncidentRecord[]> {
    const { sql, parameters } = listIncidentsSql(postgresDialect, query);
    return (await this.query(sql, parameters)).map((row) => incidentFromRow(row, decodeJson));
  }

  async enqueueAlert(alert: NewAlert): Promise<EnqueuedAlert> {
    const now = this.clock.now();
    const [inserted] = await this.query(
      `INSERT INTO alert_outbox (dedup_key, sink, incident_id, transition, payload, next_attempt_at, created_at)
        VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT (dedup_key, sink) DO NOTHING RETURNING id`,
      [
        alert.dedupKey,
        alert.sink,
        alert.incidentId,
        alert.transition,
        encodeJson(alert.payload),
        alert.notBefore ?? now,
        now,
      ],
    );
    if (inserted) return { id: Number(inserted.id), created: true };
    const [existing] = await this.query('SELECT id FROM alert_outbox WHERE dedup_key = $1 AND sink = $2', [
      alert.dedupKey,
      alert.sink,
    ]);
    return { id: Number(existing?.id), created: false };
  }

  async claimDueAlerts(replicaId: string, now: number, limit: number, leaseMs = 60_000): Promise<AlertRecord[]> {
    const rows = await this.query(
      `UPDATE alert_outbox SET lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM alert_outbox
          WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_expires_at IS NULL OR lease_expires_at <= $3)
          ORDER BY next_attempt_at, id LIMIT $4
          FOR UPDATE SKIP LOCKED
        )
        RETURNING *`,
      [replicaId, now + leaseMs, now, Math.max(0, Math.floor(limit))],
    );
    return rows
      .map((row) => alertFromRow(row, decodeJson))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  async markAlertSent(id: number, sentAt = this.clock.now(), leaseOwner?: string): Promise<boolean> {
    const owner = leaseOwnerCondition(leaseOwner, '$3');
    const rows = await this.query(
      `UPDATE alert_outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_expires_at = NULL WHERE id = $2 AND status = 'pending'${owner.sql} RETURNING id`,
      [sentAt, id, ...owner.parameters],
    );
    return rows.length > 0;
  }

  async markAlertFailed(
    id: number,
    nextAttemptAt: number | null,
    error: string,
    leaseOwner?: string,
  ): Promise<boolean> {
    if (nextAttemptAt === null) {
      const owner = leaseOwnerCondition(leaseOwner, '$3');
      const rows = await this.query(
        `UPDATE alert_outbox SET status = 'abandoned', last_error = $1, lease_owner = NULL, lease_expires_at = NULL WHERE id = $2 AND status = 'pending'${owner.sql} RETURNING id`,
        [truncateError(error), id, ...owner.parameters],
      );
      return rows.length > 0;
    }
    const owner = leaseOwnerCondition(leaseOwner, '$4');
    const rows = await this.query(
      `UPDATE alert_outbox SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, lease_expires_at = NULL WHERE id = $3 AND status = 'pending'${owner.sql} RETURNING id`,
      [nextAttemptAt, truncateError(error), id, ...owner.parameters],
    );
    return rows.length > 0;
  }

  async listAlerts(query: AlertQuery = {}): Promise<AlertRecord[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.incidentId !== undefined) {
      parameters.push(query.incidentId);
      conditions.push(`incident_id = $${parameters.length}`);
    }
    if (query.status !== undefined) {
      parameters.push(query.status);
      conditions.push(`status = $${parameters.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    parameters.push(Math.max(1, Math.floor(query.limit ?? 1_000)));
    const rows = await this.query(
      `SELECT * FROM alert_outbox ${where} ORDER BY id LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row) => alertFromRow(row, decodeJson));
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
        if (row.kind === 'deployment') {
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
            ],
            client,
          );
        }
      }
      return { applied: true };
    });
  }

  async deploymentAvailability(range: TimeRange): Promise<DeploymentAvailability[]> {
    return queryDeploymentAvailability(
      postgresDialect,
      (sql, parameters) => this.query(sql, parameters),
      range.since,
      range.until ?? this.clock.now(),
    );
  }

  async routeAvailability(range: TimeRange): Promise<RouteAvailability[]> {
    return queryRouteAvailability(
      postgresDialect,
      (sql, parameters) => this.query(sql, parameters),
      range.since,
      range.until ?? this.clock.now(),
    );
  }

  async pruneOlderThan(cutoff: number): Promise<PruneResult> {
    const statements = pruneSql(postgresDialect);
    return this.transaction(async (client) => {
      const count = async (sql: string) => (await client.query(sql, [cutoff])).rowCount ?? 0;
      const rollups = (await count(statements.deploymentRollups)) + (await count(statements.routeRollups));
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
