// The embedded backend: one SQLite file (better-sqlite3) in WAL mode, so the report and the admin API
// can read while the gateway writes. better-sqlite3 is synchronous; the methods are async only to share
// the interface with PostgreSQL. Writes that must be atomic run in IMMEDIATE transactions, which also
// serialise two processes that open the same file (busy_timeout makes the second one wait).
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
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
  pruneSql,
  sqliteDialect,
  updateIncidentSql,
  upsertDeploymentRollupSql,
  upsertRouteRollupSql,
} from './store-sql.js';

const decodeJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const encodeJson = (value: unknown): string => JSON.stringify(value ?? null);

/** switchyard_add_counts(a, b) for SQLite: adds two JSON objects of counts key by key. */
function addCountsJson(a: unknown, b: unknown): string {
  const sum: Record<string, number> = {};
  for (const side of [a, b]) {
    if (typeof side !== 'string') continue;
    const parsed = JSON.parse(side) as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return JSON.stringify(sum);
}

function isUniqueViolation(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class SqliteStore implements IncidentStore {
  readonly backend = 'sqlite' as const;
  private readonly clock: Clock;
  private readonly replicaId: string;
  private retention?: RetentionSchedule;

  private constructor(
    private readonly db: Database.Database,
    options: StoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.replicaId = options.replicaId ?? `${hostname()}:${process.pid}`;
  }

  /** Opens (creating if needed) the file at `path` and migrates it unless `options.migrate` is false. */
  static async open(path: string, options: StoreOptions = {}): Promise<SqliteStore> {
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      db.function('switchyard_add_counts', { deterministic: true }, addCountsJson);
      const store = new SqliteStore(db, options);
      if (options.migrate !== false) await store.migrate();
      if (options.retentionDays !== undefined && options.retentionDays > 0) {
        store.retention = scheduleRetention(store, {
          retentionDays: options.retentionDays,
          clock: store.clock,
          logger: options.logger,
        });
      }
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private all(sql: string, parameters: unknown[] = []): DatabaseRow[] {
    return this.db.prepare(sql).all(...parameters) as DatabaseRow[];
  }

  private get(sql: string, parameters: unknown[] = []): DatabaseRow | undefined {
    return this.db.prepare(sql).get(...parameters) as DatabaseRow | undefined;
  }

  private run(sql: string, parameters: unknown[] = []): Database.RunResult {
    return this.db.prepare(sql).run(...parameters);
  }

  async migrate(options: { toVersion?: number } = {}): Promise<MigrationResult> {
    const migrateAll = this.db.transaction(() => {
      this.db.exec(schemaMigrationsTable.sqlite);
      const applied = new Set(this.all('SELECT version FROM schema_migrations').map((row) => Number(row.version)));
      const pending = pendingMigrations(applied, options.toVersion);
      for (const migration of pending) {
        try {
          for (const statement of migration.sqlite) this.db.exec(statement);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new StoreError(
            'SWITCHYARD_STORE_MIGRATION',
            `migration ${migration.version} (${migration.name}) failed: ${message}`,
          );
        }
        this.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          this.clock.now(),
        ]);
        applied.add(migration.version);
      }
      return { applied: pending.map((migration) => migration.version), version: Math.max(0, ...applied) };
    });
    return migrateAll.immediate();
  }

  async schemaVersion(): Promise<number> {
    const table = this.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!table) return 0;
    return Number(this.get('SELECT MAX(version) AS version FROM schema_migrations')?.version ?? 0);
  }

  async insertIncident(incident: NewIncident): Promise<IncidentRecord> {
    const record = newIncidentRecord(incident, this.clock.now(), this.replicaId);
    try {
      this.run(insertIncidentSql(sqliteDialect), incidentColumns(record, encodeJson));
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
    const claim = this.db.transaction((): IncidentClaim => {
      const result = this.run(
        `${insertIncidentSql(sqliteDialect)} ON CONFLICT (scope, scope_key) WHERE resolved_at IS NULL DO NOTHING`,
        incidentColumns(record, encodeJson),
      );
      if (result.changes === 1) return { incident: record, created: true };
      const existing = this.get('SELECT * FROM incidents WHERE scope = ? AND scope_key = ? AND resolved_at IS NULL', [
        record.scope,
        record.scopeKey,
      ]);
      if (!existing)
        throw new Error(`claim of ${record.scope} ${record.scopeKey} found neither a new nor an open incident`);
      return { incident: incidentFromRow(existing, decodeJson), created: false };
    });
    try {
      return claim.immediate();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new StoreError('SWITCHYARD_STORE_CONFLICT', `incident id ${record.id} is already taken`);
      throw error;
    }
  }

  async updateIncident(
    id: string,
    patch: IncidentPatch,
    expect?: IncidentExpectation,
  ): Promise<IncidentRecord | undefined> {
    return this.modifyIncident(id, (current) => (matchesExpectation(current, expect) ? patch : undefined));
  }

  async modifyIncident(id: string, change: IncidentChange): Promise<IncidentRecord | undefined> {
    const modify = this.db.transaction((): IncidentRecord | undefined => {
      const row = this.get('SELECT * FROM incidents WHERE id = ?', [id]);
      if (!row) return undefined;
      const current = incidentFromRow(row, decodeJson);
      const patch = change(current);
      if (!patch) return undefined;
      const next = patchedIncident(current, patch, this.clock.now());
      try {
        this.run(updateIncidentSql(sqliteDialect), incidentUpdateValues(next, encodeJson));
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreError(
            'SWITCHYARD_STORE_CONFLICT',
            `cannot reopen incident ${id}: ${next.scope} ${next.scopeKey} already has an open one`,
          );
        throw error;
      }
      return next;
    });
    return modify.immediate();
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const row = this.get('SELECT * FROM incidents WHERE id = ?', [id]);
    return row ? incidentFromRow(row, decodeJson) : undefined;
  }

  async findOpenIncident(scope: IncidentScope, scopeKey: string): Promise<IncidentRecord | undefined> {
    const row = this.get('SELECT * FROM incidents WHERE scope = ? AND scope_key = ? AND resolved_at IS NULL', [
      scope,
      scopeKey,
    ]);
    return row ? incidentFromRow(row, decodeJson) : undefined;
  }

  async listIncidents(query: IncidentQuery): Promise<IncidentRecord[]> {
    const { sql, parameters } = listIncidentsSql(sqliteDialect, query);
    return this.all(sql, parameters).map((row) => incidentFromRow(row, decodeJson));
  }

  async enqueueAlert(alert: NewAlert): Promise<EnqueuedAlert> {
    const now = this.clock.now();
    const result = this.run(
      `INSERT INTO alert_outbox (dedup_key, sink, incident_id, transition, payload, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key, sink) DO NOTHING`,
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
    if (result.changes === 1) return { id: Number(result.lastInsertRowid), created: true };
    const existing = this.get('SELECT id FROM alert_outbox WHERE dedup_key = ? AND sink = ?', [
      alert.dedupKey,
      alert.sink,
    ]);
    return { id: Number(existing?.id), created: false };
  }

  async claimDueAlerts(replicaId: string, now: number, limit: number, leaseMs = 60_000): Promise<AlertRecord[]> {
    const claim = this.db.transaction(() =>
      this.all(
        `UPDATE alert_outbox SET lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
          WHERE id IN (
            SELECT id FROM alert_outbox
            WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
            ORDER BY next_attempt_at, id LIMIT ?
          )
          RETURNING *`,
        [replicaId, now + leaseMs, now, now, Math.max(0, Math.floor(limit))],
      ),
    );
    return claim
      .immediate()
      .map((row) => alertFromRow(row, decodeJson))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  async markAlertSent(id: number, sentAt = this.clock.now(), leaseOwner?: string): Promise<boolean> {
    const owner = leaseOwnerCondition(leaseOwner, '?');
    const result = this.run(
      `UPDATE alert_outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'pending'${owner.sql}`,
      [sentAt, id, ...owner.parameters],
    );
    return result.changes > 0;
  }

  async markAlertFailed(
    id: number,
    nextAttemptAt: number | null,
    error: string,
    leaseOwner?: string,
  ): Promise<boolean> {
    const owner = leaseOwnerCondition(leaseOwner, '?');
    const result =
      nextAttemptAt === null
        ? this.run(
            `UPDATE alert_outbox SET status = 'abandoned', last_error = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'pending'${owner.sql}`,
            [truncateError(error), id, ...owner.parameters],
          )
        : this.run(
            `UPDATE alert_outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'pending'${owner.sql}`,
            [nextAttemptAt, truncateError(error), id, ...owner.parameters],
          );
    return result.changes > 0;
  }

  async listAlerts(query: AlertQuery = {}): Promise<AlertRecord[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.incidentId !== undefined) {
      conditions.push('incident_id = ?');
      parameters.push(query.incidentId);
    }
    if (query.status !== undefined) {
      conditions.push('status = ?');
      parameters.push(query.status);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    parameters.push(Math.max(1, Math.floor(query.limit ?? 1_000)));
    return this.all(`SELECT * FROM alert_outbox ${where} ORDER BY id LIMIT ?`, parameters).map((row) =>
      alertFromRow(row, decodeJson),
    );
  }

  async writeRollups(rows: readonly RollupRow[], options: WriteRollupsOptions = {}): Promise<{ applied: boolean }> {
    const coalesced = coalesceRollups(rows);
    const write = this.db.transaction((): { applied: boolean } => {
      if (options.batchId !== undefined) {
        const marked = this.run(
          'INSERT INTO applied_write_batches (batch_id, applied_at) VALUES (?, ?) ON CONFLICT (batch_id) DO NOTHING',
          [options.batchId, this.clock.now()],
        );
        if (marked.changes === 0) return { applied: false };
      }
      const deploymentUpsert = this.db.prepare(upsertDeploymentRollupSql(sqliteDialect));
      const routeUpsert = this.db.prepare(upsertRouteRollupSql(sqliteDialect));
      for (const row of coalesced) {
        if (row.kind === 'deployment') {
          const stored = storedDeploymentRow(row);
          deploymentUpsert.run(
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
          );
        } else {
          const stored = storedRouteRow(row);
          routeUpsert.run(
            stored.minute,
            stored.route,
            stored.requests,
            stored.successes,
            stored.failures,
            stored.failovers,
            stored.extraLatencyMsSum,
          );
        }
      }
      return { applied: true };
    });
    return write.immediate();
  }

  async deploymentAvailability(range: TimeRange): Promise<DeploymentAvailability[]> {
    return queryDeploymentAvailability(
      sqliteDialect,
      async (sql, parameters) => this.all(sql, parameters),
      range.since,
      range.until ?? this.clock.now(),
    );
  }

  async routeAvailability(range: TimeRange): Promise<RouteAvailability[]> {
    return queryRouteAvailability(
      sqliteDialect,
      async (sql, parameters) => this.all(sql, parameters),
      range.since,
      range.until ?? this.clock.now(),
    );
  }

  async pruneOlderThan(cutoff: number): Promise<PruneResult> {
    const statements = pruneSql(sqliteDialect);
    const prune = this.db.transaction((): PruneResult => {
      const rollups =
        this.run(statements.deploymentRollups, [cutoff]).changes + this.run(statements.routeRollups, [cutoff]).changes;
      const incidents = this.run(statements.incidents, [cutoff]).changes;
      const alerts = this.run(statements.alerts, [cutoff]).changes;
      this.run(statements.batches, [cutoff]);
      return { rollups, incidents, alerts };
    });
    return prune.immediate();
  }

  async close(): Promise<void> {
    this.retention?.stop();
    if (this.db.open) this.db.close();
  }
}
