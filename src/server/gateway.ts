// The composition root: config → route table, pools, health (tracker, probes, shared state),
// router, HTTP app with the admin API and metrics. `startGateway` is what `switchyard serve`, the
// demo, the benchmarks and the end-to-end tests run.
import type { SwitchyardConfig } from '../config/schema.js';
import { RouteTable } from '../routing/resolve-route.js';
import { Router } from '../routing/router.js';
import { UpstreamPools } from '../transport/upstream-pools.js';
import { adapterFor } from '../providers/registry.js';
import { admitAll, type HealthGate } from '../health/health-gate.js';
import { HealthTracker } from '../health/health-tracker.js';
import { ActiveProber } from '../health/active-probes.js';
import { RedisHealthShare } from '../health/shared/redis-health-share.js';
import type { StateChange } from '../health/deployment-state.js';
import { probeDeployment } from '../providers/probe-deployment.js';
import { createMetrics, type Metrics } from '../control/metrics.js';
import { registerAdminRoutes } from '../control/admin-api.js';
import { TrafficSeries } from '../control/dashboard/traffic-series.js';
import { DashboardFeed } from '../control/dashboard/dashboard-feed.js';
import { dashboardIncidents } from '../control/dashboard/dashboard-incidents.js';
import { registerDashboard } from '../control/dashboard/register-dashboard.js';
import { startHistory, type RunningHistory } from '../history/start-history.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { createApp } from './create-app.js';
import { createLogger, type Logger } from './logger.js';
import { registerAdminSession, startAuth } from './start-auth.js';
import { rememberConfiguredSecrets } from '../util/configured-secrets.js';

type App = ReturnType<typeof createApp>;

/** The port could not be bound (in use, not permitted, no such address). */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

export interface GatewayOptions {
  config: SwitchyardConfig;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Overrides config.server.port (0 picks a free port). */
  port?: number;
  /** Replica name in logs and shared state (default: random). */
  replicaId?: string;
  /** Replaces the alert sinks built from `alerts` (tests). */
  alertSinks?: AlertSink[];
  /** More figures for /admin/health and the dashboard (monitor-only mode's synthetic requests). */
  extraHealth?: () => Record<string, unknown>;
}

export interface RunningGateway {
  url: string;
  port: number;
  app: App;
  router: Router;
  /** Present unless health.enabled is false. */
  tracker?: HealthTracker;
  share?: RedisHealthShare;
  history: RunningHistory;
  /**
   * Graceful stop: /readyz answers 503, no new connections, requests in flight get `drainMs` to finish,
   * then what remains ends with a well-formed error in its client's format; then close().
   */
  drain(drainMs?: number): Promise<void>;
  close(): Promise<void>;
}

function createTracker(config: SwitchyardConfig, clock: Clock, logger: Logger): HealthTracker {
  const tracker = new HealthTracker({
    clock,
    defaults: config.health.defaults,
    domainThreshold: config.health.domainThreshold,
    deployments: config.deployments.map((deployment) => {
      const { probe: _probe, ...settings } = deployment.health ?? {};
      return { id: deployment.id, domains: deployment.domains, settings };
    }),
    onListenerError: (error) => logger.error({ err: error }, 'health state-change listener failed'),
  });
  tracker.onStateChange((change: StateChange) => {
    const fields = {
      kind: change.kind,
      id: change.id,
      from: change.from,
      to: change.to,
      reason: change.reason,
      origin: change.origin,
    };
    if (change.to === 'ejected' || change.to === 'degraded')
      logger.warn(fields, `${change.kind} ${change.id} ${change.to}: ${change.reason}`);
    else logger.info(fields, `${change.kind} ${change.id} ${change.to}: ${change.reason}`);
  });
  return tracker;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  rememberConfiguredSecrets(config);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logging.level);
  const routes = new RouteTable(config);
  const pools = new UpstreamPools({ connectTimeoutMs: config.timeouts.connectMs });
  const tracker = config.health.enabled ? createTracker(config, clock, logger) : undefined;
  const health: HealthGate = tracker ?? admitAll;

  let prober: ActiveProber | undefined;
  if (tracker && config.health.probes.enabled) {
    const deployments = new Map(config.deployments.map((deployment) => [deployment.id, deployment]));
    prober = new ActiveProber({
      tracker,
      clock,
      intervalMs: config.health.probes.intervalMs,
      timeoutMs: config.health.probes.timeoutMs,
      enabled: (id) => deployments.get(id)?.health?.probe !== false,
      // With shared health, one replica per period probes each deployment (the share is set up below).
      claim: (id) => share?.claimProbe(id, config.health.probes.intervalMs * 2) ?? Promise.resolve(true),
      probe: (id, signal) => {
        const deployment = deployments.get(id)!;
        return probeDeployment(deployment, adapterFor(deployment.provider), pools, clock, signal);
      },
    });
    prober.start();
  }

  let share: RedisHealthShare | undefined;
  if (tracker && config.health.shared) {
    share = new RedisHealthShare({
      tracker,
      clock,
      logger,
      redisUrl: config.health.shared.redisUrl,
      publishIntervalMs: config.health.shared.publishIntervalMs,
      keyPrefix: config.health.shared.keyPrefix,
      ...(options.replicaId ? { replicaId: options.replicaId } : {}),
    });
    await share.start();
  }

  const history = await startHistory({
    config,
    clock,
    logger,
    ...(tracker ? { tracker } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.replicaId ? { replicaId: options.replicaId } : {}),
    ...(options.alertSinks ? { sinks: options.alertSinks } : {}),
  });

  const router = new Router({
    config,
    routes,
    pools,
    health,
    clock,
    random: options.random ?? systemRandom,
    adapterFor,
  });
  const auth = await startAuth(config, clock, logger);
  const shutdown = new AbortController();
  let draining = false;
  const app = createApp({
    authentication: auth.authentication,
    shutdown: shutdown.signal,
    readiness: () => {
      const keys = auth.registry;
      const storeDetail = {
        ...(history.writer ? { pending: history.writer.pending, failedWrites: history.writer.failedWrites } : {}),
        ...(keys?.lastRefreshError ? { keysError: keys.lastRefreshError } : {}),
      };
      return {
        ready: !draining,
        detail: {
          draining,
          routes: routes.names().length,
          inFlight: auth.authentication.inFlight.count,
          store: storeDetail,
        },
      };
    },
    router,
    routes,
    clock,
    logger,
    bodyLimitBytes: config.server.bodyLimitBytes,
    pingIntervalMs: config.server.pingIntervalMs,
    headersTimeoutMs: config.server.headersTimeoutMs,
    requestTimeoutMs: config.server.requestTimeoutMs,
  });
  let metrics: Metrics | undefined;
  let series: TrafficSeries | undefined;
  if (config.admin.enabled) {
    registerAdminSession(app, auth.authentication.admin);
    const registry = auth.registry;
    if (registry) app.get('/admin/keys', async () => ({ keys: registry.list() }));
    metrics = createMetrics(tracker ? { health: () => tracker.snapshot() } : {});
    const extra = () => ({
      probesSent: prober?.sent ?? 0,
      sharedState: share ? (share.connected ? 'connected' : 'unavailable') : 'off',
      hedging: router.hedgeBudget.snapshot(),
      ...options.extraHealth?.(),
    });
    series = new TrafficSeries({
      clock,
      deployments: config.deployments.map((deployment) => deployment.id),
      routes: config.routes.map((route) => route.name),
    });
    const store = history.store;
    const detector = history.incidents?.detector;
    registerDashboard(
      app,
      new DashboardFeed({
        clock,
        series,
        extra,
        ...(tracker
          ? { health: () => tracker.snapshot(), onStateChange: (listener) => tracker.onStateChange(listener) }
          : {}),
        ...(store ? { incidents: () => dashboardIncidents(store, clock.now()) } : {}),
        ...(detector ? { onIncidentChange: (listener) => detector.onTransition(listener) } : {}),
        onError: (error) =>
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'dashboard: incidents unreadable',
          ),
      }),
    );
    registerAdminRoutes(app, {
      tracker,
      metrics,
      ...(history.store
        ? {
            history: {
              store: history.store,
              config,
              clock,
              beforeReport: () => history.writer?.flush() ?? Promise.resolve(),
            },
          }
        : {}),
      extra,
    });
  }
  try {
    await app.listen({ host: config.server.host, port: options.port ?? config.server.port });
  } catch (error) {
    // Nothing may keep the process alive: a supervisor restarts a process that exits, not one that hangs.
    prober?.stop();
    await app.close().catch(() => {});
    await auth.close();
    await history.close();
    await share?.close();
    metrics?.close();
    series?.close();
    await pools.close();
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ListenError(
      `server: cannot listen on ${config.server.host}:${options.port ?? config.server.port} (${code})`,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? config.server.port);
  const gateway: RunningGateway = {
    url: `http://${config.server.host}:${port}`,
    port,
    app,
    router,
    tracker,
    share,
    history,
    async drain(drainMs = config.server.drainMs) {
      draining = true;
      // Stop listening; connections already open keep being served until they end.
      app.server.close();
      const deadline = clock.now() + drainMs;
      while (auth.authentication.inFlight.count > 0 && clock.now() < deadline) await clock.sleep(25);
      if (auth.authentication.inFlight.count > 0) {
        shutdown.abort();
        // Give the error events a turn of the event loop to be written before sockets close.
        for (let turn = 0; turn < 40 && auth.authentication.inFlight.count > 0; turn += 1) await clock.sleep(5);
      }
      app.server.closeAllConnections();
      await gateway.close();
    },
    async close() {
      prober?.stop();
      await app.close();
      await auth.close();
      await history.close();
      await share?.close();
      metrics?.close();
      series?.close();
      await pools.close();
    },
  };
  return gateway;
}
