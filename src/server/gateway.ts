// The composition root: config → route table, pools, health (tracker, probes, shared state),
// router, HTTP app, and the admin API, metrics and dashboard (wired in admin-surface.ts).
// `startGateway` is what `switchyard serve`, the demo, the benchmarks and the end-to-end tests run.
import type { SwitchyardConfig } from '../config/schema.js';
import { RouteTable } from '../routing/resolve-route.js';
import { Router } from '../routing/router.js';
import { QuotaPressure } from '../routing/quota-pressure.js';
import { UpstreamPools, poolOptionsOf } from '../transport/upstream-pools.js';
import { adapterFor } from '../providers/registry.js';
import { admitAll, type HealthGate } from '../health/health-gate.js';
import type { HealthTracker } from '../health/health-tracker.js';
import { ActiveProber } from '../health/active-probes.js';
import type { RedisHealthShare } from '../health/shared/redis-health-share.js';
import { probeDeployment } from '../providers/probe-deployment.js';
import { LoopStalls } from '../util/loop-stalls.js';
import type { TrafficSeries } from '../control/dashboard/traffic-series.js';
import { startHistory, type RunningHistory } from '../history/start-history.js';
import { StoreHealthWatch } from '../history/store/store-health.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { createApp, type RequestPath } from './create-app.js';
import { createAdminApp } from './admin-app.js';
import { BodyMemory } from './body-memory.js';
import { planReload } from './reload-plan.js';
import { ConfigError } from '../config/load-config.js';
import { createLogger, type Logger } from './logger.js';
import { logChannels } from './channel-logs.js';
import { createTracker, trackedDeployments } from './create-tracker.js';
import { startAuth } from './start-auth.js';
import { registerAdminSurface } from './admin-surface.js';
import { rememberConfiguredSecrets } from '../util/configured-secrets.js';
import { listenBacklog } from '../util/listen-backlog.js';

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
  /** Reads the config again for a reload (SIGHUP, POST /admin/reload); throws ConfigError when invalid. */
  loadConfig?: () => SwitchyardConfig;
}

/** What a reload did: applied (which deployments were added, removed, changed — those start fresh — or kept), or refused and why. */
export type ReloadResult =
  | { applied: true; added: string[]; removed: string[]; changed: string[]; kept: string[] }
  | { applied: false; reason: string };

export interface RunningGateway {
  url: string;
  port: number;
  /** Where /admin/*, /dashboard and /metrics answer: `url` unless server.adminPort is set. */
  adminUrl: string;
  app: App;
  /** The current router (a reload replaces it). */
  readonly router: Router;
  /** Present unless health.enabled is false. */
  tracker?: HealthTracker;
  share?: RedisHealthShare;
  history: RunningHistory;
  /**
   * Graceful stop: /readyz answers 503, no new connections, requests in flight get `drainMs` to finish,
   * then what remains ends with a well-formed error in its client's format; then close().
   */
  drain(drainMs?: number): Promise<void>;
  /**
   * Validates the new config whole (from `config`, else from options.loadConfig) and applies it, or
   * refuses it and keeps the running one; either way the outcome is logged.
   */
  reload(config?: SwitchyardConfig): ReloadResult;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  let config = options.config;
  rememberConfiguredSecrets(config);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logging.level);
  const routes = new RouteTable(config);
  const stopChannelLogs = logChannels(logger, clock);
  const pools = new UpstreamPools(poolOptionsOf(config));
  // The gateway's own loop stalls are kept out of the upstreams' waits. Measured on real time only: a
  // test's manual clock has no event loop to stall.
  const stalls = clock === systemClock ? new LoopStalls(clock) : undefined;
  stalls?.start();
  const waitClock = stalls?.waitClock;
  const tracker = config.health.enabled ? createTracker(config, clock, logger, waitClock) : undefined;
  const health: HealthGate = tracker ?? admitAll;

  let prober: ActiveProber | undefined;
  let deployments = new Map(config.deployments.map((deployment) => [deployment.id, deployment]));
  if (tracker && config.health.probes.enabled) {
    prober = new ActiveProber({
      tracker,
      clock,
      intervalMs: config.health.probes.intervalMs,
      timeoutMs: config.health.probes.timeoutMs,
      enabled: (id) => deployments.get(id)?.health?.probe !== false,
      // With shared health, one replica per period probes each deployment (the share is set up below).
      claim: (id) => share?.claimProbe(id, config.health.probes.intervalMs * 2) ?? Promise.resolve(true),
      probe: (id, signal) => {
        const deployment = deployments.get(id);
        if (!deployment) return Promise.resolve({ kind: 'local' as const, latencyMs: 0 });
        return probeDeployment(deployment, adapterFor(deployment.provider), pools, clock, signal);
      },
    });
    prober.start();
  }

  let share: RedisHealthShare | undefined;
  if (tracker && config.health.shared) {
    // Loaded only here: a gateway that does not share health never loads ioredis.
    const { RedisHealthShare } = await import('../health/shared/redis-health-share.js');
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

  const storeWatch = history.store
    ? new StoreHealthWatch({
        store: history.store,
        ...(history.writer ? { writer: history.writer } : {}),
        clock,
        logger,
      })
    : undefined;
  storeWatch?.start();

  const pressure = new QuotaPressure(clock, {
    shedBelowShare: config.priority.shedBelowRemainingShare,
    rateLimitedHoldMs: config.priority.rateLimitedHoldMs,
    observationTtlMs: config.priority.observationTtlMs,
    failoverWindowMs: config.priority.failoverWindowMs,
  });
  const buildRouter = (from: SwitchyardConfig, table: RouteTable) =>
    new Router({
      config: from,
      routes: table,
      pools,
      health,
      clock,
      ...(waitClock ? { waitClock } : {}),
      random: options.random ?? systemRandom,
      adapterFor,
      pressure,
    });
  const path: RequestPath = { routes, router: buildRouter(config, routes) };

  // The dashboard's traffic series, set once the admin surface is up (a reload reconfigures it).
  let series: TrafficSeries | undefined;
  const reload = (given?: SwitchyardConfig): ReloadResult => {
    let next: SwitchyardConfig;
    try {
      if (given) next = given;
      else if (options.loadConfig) next = options.loadConfig();
      else throw new ConfigError(['reload: this gateway was not started from a config file']);
    } catch (error) {
      const reason = error instanceof ConfigError ? error.problems.join('; ') : (error as Error).message;
      logger.error({ reason }, `config reload refused, the running config stays: ${reason}`);
      return { applied: false, reason };
    }
    const plan = planReload(config, next);
    if (!plan.ok) {
      logger.error({ reason: plan.reason }, `config reload refused, the running config stays: ${plan.reason}`);
      return { applied: false, reason: plan.reason };
    }
    const { ok: _ok, ...changes } = plan;
    rememberConfiguredSecrets(next);
    tracker?.reconfigure(trackedDeployments(next), new Set(plan.changed));
    for (const id of [...plan.changed, ...plan.removed]) pressure.forget(id);
    const table = new RouteTable(next);
    deployments = new Map(next.deployments.map((deployment) => [deployment.id, deployment]));
    path.router = buildRouter(next, table);
    path.routes = table;
    config = next;
    // Beside the path: the dashboard's series, the report's deployments and routes, incident placements.
    series?.reconfigure(
      next.deployments.map((deployment) => deployment.id),
      next.routes.map((route) => route.name),
    );
    history.reconfigure(next);
    logger.info(changes, 'config reloaded');
    return { applied: true, ...changes };
  };
  const auth = await startAuth(config, clock, logger);
  // A request in flight may be waiting on an upstream without reading the wait clock for a while (a
  // long first token): the stall checks keep running until it ends.
  stalls?.busyWhile(() => auth.authentication.inFlight.count > 0);
  const shutdown = new AbortController();
  let draining = false;
  const bodyMemory = new BodyMemory(config.server.bodyMemoryBytes);
  const app = createApp({
    bodyMemory,
    authentication: auth.authentication,
    shutdown: shutdown.signal,
    readiness: () => {
      const keys = auth.registry;
      const storeDetail = {
        ...storeWatch?.snapshot(),
        ...(keys?.lastRefreshError ? { keysError: keys.lastRefreshError } : {}),
      };
      return {
        ready: !draining,
        detail: {
          draining,
          routes: path.routes.names().length,
          inFlight: auth.authentication.inFlight.count,
          store: storeDetail,
        },
      };
    },
    path,
    clock,
    logger,
    bodyLimitBytes: config.server.bodyLimitBytes,
    pingIntervalMs: config.server.pingIntervalMs,
    headersTimeoutMs: config.server.headersTimeoutMs,
    requestTimeoutMs: config.server.requestTimeoutMs,
  });
  // With server.adminPort the admin surface has its own listener; otherwise it shares the client port.
  const adminApp = config.server.adminPort === undefined ? app : createAdminApp({ logger, admin: auth.admin });
  const surface = config.admin.enabled
    ? registerAdminSurface({
        app: adminApp,
        config: () => config,
        auth,
        path,
        tracker,
        prober,
        share,
        history,
        storeWatch,
        stalls,
        bodyMemory,
        clock,
        logger,
        reload,
        ...(options.extraHealth ? { extraHealth: options.extraHealth } : {}),
      })
    : undefined;
  const metrics = surface?.metrics;
  series = surface?.series;
  const adminAddress =
    adminApp === app
      ? undefined
      : { host: config.server.adminHost ?? config.server.host, port: config.server.adminPort ?? 0 };
  let binding = { host: config.server.host, port: options.port ?? config.server.port };
  try {
    await app.listen({ ...binding, backlog: listenBacklog });
    if (adminAddress) {
      binding = adminAddress;
      await adminApp.listen({ ...adminAddress, backlog: listenBacklog });
    }
  } catch (error) {
    // Nothing may keep the process alive: a supervisor restarts a process that exits, not one that hangs.
    prober?.stop();
    storeWatch?.close();
    await app.close().catch(() => {});
    if (adminApp !== app) await adminApp.close().catch(() => {});
    await auth.close();
    await history.close();
    await share?.close();
    metrics?.close();
    series?.close();
    await pools.close();
    stopChannelLogs();
    stalls?.stop();
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ListenError(`server: cannot listen on ${binding.host}:${binding.port} (${code})`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? config.server.port);
  const adminBound = adminApp.server.address();
  const adminPort = typeof adminBound === 'object' && adminBound ? adminBound.port : port;
  const gateway: RunningGateway = {
    url: `http://${config.server.host}:${port}`,
    port,
    adminUrl: adminAddress ? `http://${adminAddress.host}:${adminPort}` : `http://${config.server.host}:${port}`,
    app,
    get router() {
      return path.router;
    },
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
    reload,
    async close() {
      stopChannelLogs();
      stalls?.stop();
      prober?.stop();
      storeWatch?.close();
      await app.close();
      if (adminApp !== app) await adminApp.close();
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
