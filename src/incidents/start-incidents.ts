// Assembles incidents for a running gateway: detector (fed by the tracker and the request path's
// channels), recorder (store), alert dispatcher, and the one-second tick that drives time-based
// transitions. For several replicas pass what they share: the store, how they agree on incident ids and
// where they claim alert deliveries; without them, incidents and alerts live in this process.
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { AlertDispatcher, type AlertLogger } from '../alerts/alert-dispatcher.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { createAlertSinks } from '../alerts/create-alert-sinks.js';
import type { DeliveryClaims } from '../alerts/delivery-claims.js';
import type { IncidentStore } from '../history/store/incident-store.js';
import type { StoreAvailability } from '../history/store/store-availability.js';
import { attachIncidentDetector, type StateChangeSource } from './attach-incident-detector.js';
import type { DeploymentPlacement, HealthSource } from './health-reading.js';
import { IncidentDetector } from './incident-detector.js';
import type { IncidentIdentities } from './incident-identity.js';
import { IncidentRecorder } from './incident-recorder.js';
import type { AlertsConfig } from '../alerts/alerts-config.js';
import type { IncidentsConfig } from './incidents-config.js';

export interface StartIncidentsOptions {
  alerts: AlertsConfig;
  incidents: IncidentsConfig;
  deployments: readonly DeploymentPlacement[];
  /** Health (the HealthTracker): its events and snapshot are what the detector reads. */
  tracker?: StateChangeSource & HealthSource;
  clock: Clock;
  random?: Random;
  /** This replica's name (on alert claims). */
  owner: string;
  store?: Pick<IncidentStore, 'saveIncident'>;
  availability?: StoreAvailability;
  identities?: IncidentIdentities;
  claims?: DeliveryClaims;
  /** Overrides the sinks built from `alerts` (tests, demo). */
  sinks?: AlertSink[];
  logger?: AlertLogger;
  tickIntervalMs?: number;
}

export interface RunningIncidents {
  detector: IncidentDetector;
  recorder: IncidentRecorder;
  dispatcher: AlertDispatcher;
  stop(): Promise<void>;
}

export function startIncidents(options: StartIncidentsOptions): RunningIncidents {
  const { clock, logger } = options;
  const detector = new IncidentDetector({
    clock,
    health: options.tracker ?? { snapshot: () => ({ deployments: [], domains: [] }) },
    deployments: options.deployments,
    gracePeriodMs: options.incidents.gracePeriodMs,
    resolvePeriodMs: options.incidents.resolvePeriodMs,
    providerGroupThreshold: options.incidents.providerGroupThreshold,
    onListenerError: (error) =>
      logger?.error(
        { err: error instanceof Error ? error.message : String(error) },
        'incident transition listener failed',
      ),
  });
  const dispatcher = new AlertDispatcher({
    sinks: options.sinks ?? createAlertSinks(options.alerts),
    ...(options.claims ? { claims: options.claims } : {}),
    clock,
    ...(options.random ? { random: options.random } : {}),
    owner: options.owner,
    retryWindowMs: options.incidents.alertRetryWindowMs,
    ...(logger ? { logger } : {}),
  });
  const recorder = new IncidentRecorder({
    detector,
    ...(options.store ? { store: options.store } : {}),
    ...(options.availability ? { availability: options.availability } : {}),
    ...(options.identities ? { identities: options.identities } : {}),
    alerts: dispatcher,
    clock,
    ...(logger ? { logger } : {}),
  });
  recorder.start();
  dispatcher.start();
  const detach = attachIncidentDetector(detector, {
    ...(options.tracker ? { tracker: options.tracker } : {}),
    onError: (error) =>
      logger?.error(
        { err: error instanceof Error ? error.message : String(error) },
        'incident detector failed on an event',
      ),
  });
  let stopped = false;
  let cancelTick: () => void = () => {};
  const tick = () => {
    if (stopped) return;
    cancelTick = clock.schedule(options.tickIntervalMs ?? 1_000, tick);
    detector.tick();
    recorder.tick();
  };
  cancelTick = clock.schedule(options.tickIntervalMs ?? 1_000, tick);
  return {
    detector,
    recorder,
    dispatcher,
    async stop() {
      stopped = true;
      cancelTick();
      detach();
      detector.flush();
      await recorder.stop();
      await dispatcher.stop();
    },
  };
}
