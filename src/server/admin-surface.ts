// The admin surface a gateway serves beside the client API (on the client port, or on its own with
// server.adminPort): the admin session, /admin/keys, /metrics, the dashboard with its traffic series,
// and the admin API. Wired here from the running parts startGateway has built; nothing on the request
// path depends on it.
import type { FastifyInstance } from 'fastify';
import type { SwitchyardConfig } from '../config/schema.js';
import { registerAdminRoutes } from '../control/admin-api.js';
import { DashboardFeed } from '../control/dashboard/dashboard-feed.js';
import { dashboardIncidents } from '../control/dashboard/dashboard-incidents.js';
import { registerDashboard } from '../control/dashboard/register-dashboard.js';
import { TrafficSeries } from '../control/dashboard/traffic-series.js';
import { createMetrics, type Metrics } from '../control/metrics.js';
import type { ActiveProber } from '../health/active-probes.js';
import type { HealthTracker } from '../health/health-tracker.js';
import type { RedisHealthShare } from '../health/shared/redis-health-share.js';
import type { RunningHistory } from '../history/start-history.js';
import type { StoreHealthWatch } from '../history/store/store-health.js';
import type { Clock } from '../util/clock.js';
import type { LoopStalls } from '../util/loop-stalls.js';
import type { BodyMemory } from './body-memory.js';
import { clientBuffers } from './client-buffers.js';
import type { RequestPath } from './create-app.js';
import type { Logger } from './logger.js';
import { registerAdminSession, type RunningAuth } from './start-auth.js';

export interface AdminSurfaceParts {
  app: FastifyInstance;
  /** The running config (a reload replaces it). */
  config: () => SwitchyardConfig;
  auth: RunningAuth;
  path: RequestPath;
  tracker: HealthTracker | undefined;
  prober: ActiveProber | undefined;
  share: RedisHealthShare | undefined;
  history: RunningHistory;
  storeWatch: StoreHealthWatch | undefined;
  stalls: LoopStalls | undefined;
  bodyMemory: BodyMemory;
  clock: Clock;
  logger: Logger;
  reload: Parameters<typeof registerAdminRoutes>[1]['reload'];
  /** More figures for /admin/health and the dashboard. */
  extraHealth?: () => Record<string, unknown>;
}

export interface AdminSurface {
  metrics: Metrics;
  /** The dashboard's series of traffic per deployment and route (reconfigured on reload). */
  series: TrafficSeries;
}

export function registerAdminSurface(parts: AdminSurfaceParts): AdminSurface {
  const { app, auth, tracker, storeWatch, history, stalls, bodyMemory, clock, logger } = parts;
  registerAdminSession(app, auth.admin);
  const registry = auth.registry;
  if (registry) app.get('/admin/keys', async () => ({ keys: registry.list() }));
  const metrics = createMetrics({
    ...(tracker ? { health: () => tracker.snapshot() } : {}),
    ...(storeWatch ? { store: () => storeWatch.snapshot() } : {}),
    clientBufferedBytes: () => clientBuffers().bytes,
    bodyMemory: () => bodyMemory.snapshot(),
    ...(stalls ? { loopStalledMs: () => stalls.totalMs() } : {}),
  });
  const extra = () => ({
    probesSent: parts.prober?.sent ?? 0,
    sharedState: parts.share ? (parts.share.connected ? 'connected' : 'unavailable') : 'off',
    hedging: parts.path.router.hedgeBudget.snapshot(),
    ...(storeWatch ? { store: storeWatch.snapshot() } : {}),
    clientBuffers: clientBuffers(),
    bodyMemory: bodyMemory.snapshot(),
    ...parts.extraHealth?.(),
  });
  const config = parts.config();
  const series = new TrafficSeries({
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
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'dashboard: incidents unreadable'),
    }),
  );
  registerAdminRoutes(app, {
    tracker,
    metrics,
    ...(store
      ? {
          history: {
            store,
            // The running config: a reload changes what the report lists.
            get config() {
              return parts.config();
            },
            clock,
            beforeReport: () => history.writer?.flush() ?? Promise.resolve(),
          },
        }
      : {}),
    extra,
    reload: parts.reload,
  });
  return { metrics, series };
}
