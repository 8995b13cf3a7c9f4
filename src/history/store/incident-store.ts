// The one interface both store backends implement (SQLite for one gateway, PostgreSQL for several
// replicas sharing one history): exactly what the recorder, the alert dispatcher, the rollup writer and
// the report use. It keeps the detector's own Incident (incidents/incident.ts), not a copy of it.
// Everything is async, even on SQLite, so callers do not care which backend they have. Request-path
// code never calls it directly.
import type { Incident, IncidentScope, IncidentStatus } from '../../incidents/incident.js';
import type { Clock } from '../../util/clock.js';
import type { DeliveryClaim, DeliveryOutcome } from '../../alerts/delivery-claims.js';
import type {
  DeploymentAvailability,
  PruneResult,
  RollupRow,
  RouteAvailability,
  KeyUsage,
  TimeRange,
  WriteRollupsOptions,
} from './rollup-rows.js';

export type StoreBackend = 'sqlite' | 'postgres';

export interface IncidentQuery {
  /** Incidents still open at `since` or detected after it (they overlap [since, until)). */
  since: number;
  until?: number;
  scope?: IncidentScope;
  /** The scope's key (deployment id, provider or domain name). */
  key?: string;
  status?: IncidentStatus;
  parentId?: string;
  /** Newest first; default 100. */
  limit?: number;
}

/** pino-compatible. */
export interface StoreLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface StoreOptions {
  clock?: Clock;
  /** Written as `created_by` (whose evidence an incident keeps) and as the writer of rollup rows; default `<hostname>:<pid>`. */
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

/** One alert delivery as the store keeps it: never the payload or the sink's error, which can hold its URL. */
export interface AlertDelivery {
  incidentId: string;
  transition: string;
  sink: string;
  status: 'pending' | 'sent' | 'abandoned';
  attempts: number;
  claimedAt: number;
  sentAt: number | null;
}

export interface IncidentStore {
  readonly backend: StoreBackend;

  /** Applies pending migrations up to `toVersion` (default: all). Idempotent; safe on concurrent replicas. */
  migrate(options?: { toVersion?: number }): Promise<MigrationResult>;
  /** Highest applied migration (0 for an empty database). */
  schemaVersion(): Promise<number>;

  /**
   * Writes one replica's view of an incident and returns the incident as stored, merged with what other
   * replicas wrote (see incident-merge.ts). An open incident whose scope already has an open one under
   * another id (a replica that opened it alone) is merged into that one: the answer then carries its id.
   * Atomic across replicas; idempotent, so a write retried after a lost answer changes nothing.
   */
  saveIncident(incident: Incident): Promise<Incident>;
  getIncident(id: string): Promise<Incident | undefined>;
  listIncidents(query: IncidentQuery): Promise<Incident[]>;

  /**
   * Claims the delivery of one alert to one sink for this replica: true for the first claim of
   * (idempotency key, sink) across every replica on this database, false for any later one.
   */
  claimAlertDelivery(claim: DeliveryClaim): Promise<boolean>;
  /** Records how a claimed delivery ended (for the admin view; nothing is sent again because of it). */
  recordAlertOutcome(idempotencyKey: string, sink: string, outcome: DeliveryOutcome): Promise<void>;
  /** The deliveries claimed for these incidents, oldest first (the dashboard's "alerts sent"). */
  listAlertDeliveries(incidentIds: readonly string[]): Promise<AlertDelivery[]>;

  /** Adds the rows to the per-minute rollups (counters summed, histograms merged), in one transaction. */
  writeRollups(rows: readonly RollupRow[], options?: WriteRollupsOptions): Promise<{ applied: boolean }>;
  deploymentAvailability(range: TimeRange): Promise<DeploymentAvailability[]>;
  routeAvailability(range: TimeRange): Promise<RouteAvailability[]>;
  /** Requests, failovers and tokens per gateway key name. */
  keyUsage(range: TimeRange): Promise<KeyUsage[]>;
  /** Deletes rollups, resolved incidents and finished alerts from before `cutoff` (epoch ms). */
  pruneOlderThan(cutoff: number): Promise<PruneResult>;

  close(): Promise<void>;
}
