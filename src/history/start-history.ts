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
import { StatusPagePoller } from '../status-pages/status-page-poller.js';
import { recordAcknowledgementsWith } from '../status-pages/record-acknowledgements.js';
import type { DeploymentPlacement } from '../incidents/health-reading.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { type DeliveryClaims, processClaims } from '../alerts/delivery-claims.js';
import { storeDeliveryClaims } from '../alerts/store-delivery-claims.js';
import { type IncidentIdentities, ownIdentities, storeIncidentIdentities } from '../incidents/incident-identity.js';
import { StoreAvailability } from './store/store-availability.js';

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
  /** A reload's deployments: incidents and status-page acknowledgements place them from now on. */
  reconfigure(config: SwitchyardConfig): void;
  close(): Promise<void>;
}

function placementsOf(config: SwitchyardConfig): DeploymentPlacement[] {
  return config.deployments.map((deployment) => ({
    id: deployment.id,
    provider: deployment.provider,
    domains: deployment.domains,
  }));
}

export async function startHistory(options: HistoryOptions): Promise<RunningHistory> {
  const { config, clock, logger } = options;
  const replicaId = options.replicaId ?? `${hostname()}:${process.pid}`;
  // One array for the life of the process (the status-page poller holds it): a reload refills it.
  const placements = placementsOf(config);

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
  // One for every writer to the store, so an outage is one log line when it starts and one when it ends.
  const availability = new StoreAvailability(logger);
  const writer = store
    ? new StoreWriter({
        store,
        clock,
        replicaId,
        logger,
        availability,
        ...(options.random ? { random: options.random } : {}),
      })
    : undefined;
  const collector = writer
    ? new RollupCollector({
        writer,
        clock,
        ...(options.tracker ? { onStateChange: (listener) => options.tracker!.onStateChange(listener) } : {}),
      })
    : undefined;

  // What replicas share decides where they agree on incident ids and claim alert deliveries: Redis
  // when they share health through it (it stays up when the database does not), else the store.
  const shared = options.tracker ? config.health.shared : undefined;
  let identities: IncidentIdentities = ownIdentities;
  let claims: DeliveryClaims = processClaims();
  if (shared) {
    // Loaded only here: a gateway that does not share health never loads ioredis.
    const [{ redisIncidentIdentities }, { redisDeliveryClaims }] = await Promise.all([
      import('../incidents/redis-incident-identities.js'),
      import('../alerts/redis-delivery-claims.js'),
    ]);
    identities = redisIncidentIdentities(shared.redisUrl, { keyPrefix: `${shared.keyPrefix}:incidents` });
    claims = redisDeliveryClaims(shared.redisUrl, { keyPrefix: `${shared.keyPrefix}:alerts` });
  } else if (store) {
    identities = storeIncidentIdentities(store, availability, { schedule: (ms, task) => clock.schedule(ms, task) });
    claims = storeDeliveryClaims(store, availability);
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
      identities,
      claims,
      availability,
      ...(options.random ? { random: options.random } : {}),
      ...(options.sinks ? { sinks: options.sinks } : {}),
      ...(store ? { store } : {}),
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
    reconfigure(next) {
      placements.splice(0, placements.length, ...placementsOf(next));
      incidents?.detector.reconfigure(placements);
    },
    async close() {
      await poller?.stop();
      await incidents?.stop();
      collector?.close();
      await writer?.close();
      await store?.close();
      await identities.close();
    },
  };
}
