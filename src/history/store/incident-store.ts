// The one interface both store backends implement (SQLite for one gateway, PostgreSQL for several
// replicas sharing one history). Everything is async, even on SQLite, so callers do not care which
// backend they have. Request-path code never calls it directly: it goes through StoreWriter.
import type { Clock } from '../../util/clock.js';
import type { AlertQuery, AlertRecord, EnqueuedAlert, NewAlert } from './alert-record.js';
import type {
  IncidentClaim,
  IncidentExpectation,
  IncidentPatch,
  IncidentQuery,
  IncidentRecord,
  IncidentScope,
  NewIncident,
} from './incident-record.js';
import type {
  DeploymentAvailability,
  PruneResult,
  RollupRow,
  RouteAvailability,
  TimeRange,
  WriteRollupsOptions,
} from './rollup-rows.js';

export type StoreBackend = 'sqlite' | 'postgres';

/**
 * Decides a patch from the incident as it is in the database, while the row is held, so a merge rule
 * ("severity only rises", "the first acknowledgement wins") holds across replicas. Undefined: no change.
 * It must be synchronous and quick: on PostgreSQL it runs under a row lock.
 */
export type IncidentChange = (current: IncidentRecord) => IncidentPatch | undefined;

/** pino-compatible. */
export interface StoreLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface StoreOptions {
  clock?: Clock;
  /** Written as `created_by` and as the writer of rollup rows; default `<hostname>:<pid>`. */
  replicaId?: string;
  logger?: StoreLogger;
  /** Run migrations at open (default true). Tests turn it off to build an old schema. */
  migrate?: boolean;
  /** Delete rollups, resolved incidents and finished alerts older than this, hourly. */
  retentionDays?: number;
}

export interface MigrationResult {
  /** Versions applied by this call (empty when the schema was already current). */
  applied: number[];
  version: number;
}

export interface IncidentStore {
  readonly backend: StoreBackend;

  /** Applies pending migrations up to `toVersion` (default: all). Idempotent; safe on concurrent replicas. */
  migrate(options?: { toVersion?: number }): Promise<MigrationResult>;
  /** Highest applied migration (0 for an empty database). */
  schemaVersion(): Promise<number>;

  /** Inserts an incident; rejects with SWITCHYARD_STORE_CONFLICT if its scope already has an open one. */
  insertIncident(incident: NewIncident): Promise<IncidentRecord>;
  /** Opens the incident unless its (scope, scopeKey) already has an open one, which is returned instead. */
  claimIncident(incident: NewIncident): Promise<IncidentClaim>;
  /** Undefined when the incident does not exist or no longer matches `expect`. */
  updateIncident(id: string, patch: IncidentPatch, expect?: IncidentExpectation): Promise<IncidentRecord | undefined>;
  /** Applies the patch `change` returns for the current row, atomically; undefined when not found or unchanged. */
  modifyIncident(id: string, change: IncidentChange): Promise<IncidentRecord | undefined>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  findOpenIncident(scope: IncidentScope, scopeKey: string): Promise<IncidentRecord | undefined>;
  listIncidents(query: IncidentQuery): Promise<IncidentRecord[]>;

  /** Idempotent on (dedupKey, sink). */
  enqueueAlert(alert: NewAlert): Promise<EnqueuedAlert>;
  /** Leases up to `limit` due alerts to `replicaId` for `leaseMs` (default 60 s); no two replicas get the same one. */
  claimDueAlerts(replicaId: string, now: number, limit: number, leaseMs?: number): Promise<AlertRecord[]>;
  /**
   * Marks a pending alert sent. With `leaseOwner`, only while that replica holds the lease (checked in
   * the same statement, so a lease taken over meanwhile is never overwritten). True when it changed.
   */
  markAlertSent(id: number, sentAt?: number, leaseOwner?: string): Promise<boolean>;
  /**
   * Releases the lease and retries at `nextAttemptAt`, or gives up (status abandoned) when it is null;
   * `leaseOwner` as for markAlertSent. True when it changed.
   */
  markAlertFailed(id: number, nextAttemptAt: number | null, error: string, leaseOwner?: string): Promise<boolean>;
  listAlerts(query?: AlertQuery): Promise<AlertRecord[]>;

  /** Adds the rows to the per-minute rollups (counters summed, histograms merged), in one transaction. */
  writeRollups(rows: readonly RollupRow[], options?: WriteRollupsOptions): Promise<{ applied: boolean }>;
  deploymentAvailability(range: TimeRange): Promise<DeploymentAvailability[]>;
  routeAvailability(range: TimeRange): Promise<RouteAvailability[]>;
  /** Deletes rollups, resolved incidents and finished alerts from before `cutoff` (epoch ms). */
  pruneOlderThan(cutoff: number): Promise<PruneResult>;

  close(): Promise<void>;
}
