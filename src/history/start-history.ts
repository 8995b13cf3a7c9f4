// Everything beside the request path that remembers: the store (SQLite or PostgreSQL), the batching
// writer fed by the rollup collector, incidents and their alerts, and the status-page poller. The
// gateway starts it after health; nothing here is awaited by a client request.
import { hostname } from 'node:os';
import type { SwitchyardConfig } from '../config/schema.js';
import type { HealthTracker } from '../health/health-tracker.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { Logger } from '../server/logger.js';
import { openStore } from './store/open-store.js';
import type { IncidentStore } from './store/incident-store.js';
import { StoreWriter } from './store/store-writer.js';
import { RollupCollector } from './rollup-collector.js';
import { startIncidents, type RunningIncidents } from '../incidents/start-incidents.js';
import { StoreIncidentRepository } from './store-ports/store-incident-repository.js';
import { StoreAlertOutbox } from './store-ports/store-alert-outbox.js';
import { StatusPagePoller } from '../status-pages/status-page-poller.js';
import { recordAcknowledgementsWith } from '../status-pages/record-acknowledgements.js';
import type { DeploymentPlacement } from '../incidents/deployment-topology.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { createAlertSinks } from '../alerts/create-alert-sinks.js';
import { claimedSink, redisAlertClaims, type AlertClaims } from '../alerts/redis-alert-claims.js';

export interface HistoryOptions {
  config: SwitchyardConfig;
  tracker?: HealthTracker;
  clock: Clock;
  random?: Random;
  logger: Logger;
  replicaId?: string;
  /** Replaces the sinks built from `alerts` (tests). */
  sinks?: AlertSink[];
}

export interface RunningHistory {
  store?: IncidentStore;
  writer?: StoreWriter;
  incidents?: RunningIncidents;
  poller?: StatusPagePoller;
  placements: DeploymentPlacement[];
  close(): Promise<void>;
}

export async function startHistory(options: HistoryOptions): Promise<RunningHistory> {
  const { config, clock, logger } = options;
  const replicaId = options.replicaId ?? `${hostname()}:${process.pid}`;
  const placements: DeploymentPlacement[] = config.deployments.map((deployment) => ({
    id: deployment.id,
    provider: deployment.provider,
    domains: deployment.domains,
  }));

  let store: IncidentStore | undefined;
  if (config.store) {
    try {
      store = await openStore(config.store, { clock, replicaId, logger, retentionDays: config.store.retentionDays });
    } catch (error) {
      // History is beside the path: the gateway serves without it rather than not at all.
      logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'incident store unavailable: serving without history',
      );
    }
  }
  const writer = store
    ? new StoreWriter({ store, clock, replicaId, logger, ...(options.random ? { random: options.random } : {}) })
    : undefined;
  const collector = writer
    ? new RollupCollector({
        writer,
        clock,
        ...(options.tracker ? { onStateChange: (listener) => options.tracker!.onStateChange(listener) } : {}),
      })
    : undefined;

  // Replicas sharing health through Redis send each alert once even without a shared database.
  let claims: AlertClaims | undefined;
  let sinks = options.sinks;
  if (options.tracker && config.health.shared) {
    claims = redisAlertClaims(config.health.shared.redisUrl, { keyPrefix: `${config.health.shared.keyPrefix}:alerts` });
    sinks = (sinks ?? createAlertSinks(config.alerts)).map((sink) => claimedSink(sink, claims!));
  }

  let incidents: RunningIncidents | undefined;
  if (options.tracker) {
    incidents = startIncidents({
      alerts: config.alerts,
      incidents: config.incidents,
      deployments: placements,
      tracker: options.tracker,
      clock,
      owner: replicaId,
      logger,
      ...(options.random ? { random: options.random } : {}),
      ...(sinks ? { sinks } : {}),
      ...(store ? { repository: new StoreIncidentRepository(store), outbox: new StoreAlertOutbox(store) } : {}),
    });
  }

  let poller: StatusPagePoller | undefined;
  if (incidents && config.statusPages.length > 0) {
    poller = new StatusPagePoller({
      pages: config.statusPages,
      clock,
      logger,
      onAcknowledgement: recordAcknowledgementsWith(incidents.detector, placements),
    });
    poller.start();
  }

  return {
    ...(store ? { store } : {}),
    ...(writer ? { writer } : {}),
    ...(incidents ? { incidents } : {}),
    ...(poller ? { poller } : {}),
    placements,
    async close() {
      await poller?.stop();
      await incidents?.stop();
      collector?.close();
      await writer?.close();
      await store?.close();
      await claims?.close();
    },
  };
}
