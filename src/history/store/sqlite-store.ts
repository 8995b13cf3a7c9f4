// The embedded backend: one SQLite file (better-sqlite3) in WAL mode, so the report and the admin API
// can read while the gateway writes. better-sqlite3 is synchronous; the methods are async only to share
// the interface with PostgreSQL. Writes that must be atomic run in IMMEDIATE transactions, which also
// serialise two processes that open the same file (busy_timeout makes the second one wait).
import { fileIdentity } from '../../util/file-identity.js';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
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
  pruneSql,
  sqliteDialect,
  updateIncidentSql,
  updateIncidentValues,
  upsertDeploymentRollupSql,
  upsertKeyRollupSql,
  keyRollupParameters,
  upsertRouteRollupSql,
} from './store-sql.js';

const decodeJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const encodeJson = (value: unknown): string => JSON.stringify(value ?? null);
const encode = { json: encodeJson, boolean: (value: boolean) => (value ? 1 : 0) };

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

export class SqliteStore implements IncidentStore {
  readonly backend = 'sqlite' as const;
  private readonly clock: Clock;
  private readonly replicaId: string;
  private retention?: RetentionSchedule;

  /** The file's identity when opened: a file deleted or replaced under the process has another (or none). */
  private openedIdentity: string | undefined;
  /** Times the file vanished and was created again. */
  recreated = 0;

  private constructor(
    private db: Database.Database,
    private readonly path: string,
    options: StoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.replicaId = options.replicaId ?? `${hostname()}:${process.pid}`;
    this.openedIdentity = fileIdentity(path);
  }

  private static connect(path: string): Database.Database {
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      db.function('switchyard_add_counts', { deterministic: true }, addCountsJson);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Whether the file this store writes is still the one it opened (SQLite keeps writing to a deleted file unseen). */
  fileIntact(): boolean {
    if (this.path === ':memory:') return true;
    const identity = fileIdentity(this.path);
    return identity !== undefined && identity === this.openedIdentity;
  }

  /**
   * A file deleted (or replaced) under the running process: opens the path again, creating and
   * migrating a new file, so history goes on being kept. True when it did.
   */
  async recreateIfVanished(): Promise<boolean> {
    if (this.fileIntact() || !this.db.open) return false;
    const replacement = SqliteStore.connect(this.path);
    const previous = this.db;
    this.db = replacement;
    previous.close();
    await this.migrate();
    this.openedIdentity = fileIdentity(this.path);
    this.recreated += 1;
    return true;
  }

  /** Opens (creating if needed) the file at `path` and migrates it unless `options.migrate` is false. */
  static async open(path: string, options: StoreOptions = {}): Promise<SqliteStore> {
    const db = SqliteStore.connect(path);
    try {
      const store = new SqliteStore(db, path, options);
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

  async saveIncident(incident: Incident): Promise<Incident> {
    const save = this.db.transaction((): Incident => {
      const byId = this.get('SELECT * FROM incidents WHERE id = ?', [incident.id]);
      const open =
        byId || incident.status !== 'open'
          ? undefined
          : this.get('SELECT * FROM incidents WHERE scope = ? AND scope_key = ? AND resolved_at IS NULL', [
              incident.scope,
              incident.key,
            ]);
      const row = byId ?? open;
      const now = this.clock.now();
      if (!row) {
        this.run(insertIncidentSql(sqliteDialect), incidentColumns(incident, this.replicaId, now, encode));
        return structuredClone(incident);
      }
      const stored = incidentFromRow(row, decodeJson);
      const merged = mergeIncident(stored, { ...incident, id: stored.incident.id }, this.replicaId);
      if (!sameIncident(merged, stored.incident)) {
        const values = incidentColumns(merged, stored.createdBy, now, encode);
        this.run(updateIncidentSql(sqliteDialect), updateIncidentValues(values));
      }
      return merged;
    });
    return save.immediate();
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = this.get('SELECT * FROM incidents WHERE id = ?', [id]);
    return row ? incidentFromRow(row, decodeJson).incident : undefined;
  }

  async listIncidents(query: IncidentQuery): Promise<Incident[]> {
    const { sql, parameters } = listIncidentsSql(sqliteDialect, query);
    return this.all(sql, parameters).map((row) => incidentFromRow(row, decodeJson).incident);
  }

  async claimAlertDelivery(claim: DeliveryClaim): Promise<boolean> {
    const result = this.run(
      `INSERT INTO alert_outbox (dedup_key, sink, incident_id, transition, payload, attempts, next_attempt_at, lease_owner, created_at)
        VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (dedup_key, sink) DO NOTHING`,
      [
        claim.idempotencyKey,
        claim.sink,
        claim.alert.incident.id,
        claim.alert.transition,
        encodeJson(claim.alert),
        claim.at,
        claim.owner,
        claim.at,
      ],
    );
    return result.changes === 1;
  }

  async recordAlertOutcome(idempotencyKey: string, sink: string, outcome: DeliveryOutcome): Promise<void> {
    this.run(
      `UPDATE alert_outbox SET status = ?, attempts = ?, sent_at = ?, last_error = ? WHERE dedup_key = ? AND sink = ?`,
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
    return this.all(listAlertDeliveriesSql(sqliteDialect, incidentIds), [...incidentIds]).map(alertDeliveryFromRow);
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
      const keyUpsert = this.db.prepare(upsertKeyRollupSql(sqliteDialect));
      for (const row of coalesced) {
        if (row.kind === 'key') {
          keyUpsert.run(...keyRollupParameters(row));
        } else if (row.kind === 'deployment') {
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
            stored.hedges,
            stored.hedgesWon,
          );
        }
      }
      return { applied: true };
    });
    return write.immediate();
  }

  /** Runs a rollup query over the range (until now when it has no end). */
  private inRange<T>(query: RangeQuery<T>, range: TimeRange): Promise<T> {
    return query(
      sqliteDialect,
      async (sql, parameters) => this.all(sql, parameters),
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
    const statements = pruneSql(sqliteDialect);
    const prune = this.db.transaction((): PruneResult => {
      const rollups =
        this.run(statements.deploymentRollups, [cutoff]).changes +
        this.run(statements.routeRollups, [cutoff]).changes +
        this.run(statements.keyRollups, [cutoff]).changes;
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
