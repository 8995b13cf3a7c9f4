// The composition root: config → route table, pools, router, HTTP app. `startGateway` is what
// `switchyard serve`, the demo and the end-to-end tests run.
import type { SwitchyardConfig } from '../config/schema.js';
import { RouteTable } from '../routing/resolve-route.js';
import { Router, type RouterObserver } from '../routing/router.js';
import { UpstreamPools } from '../transport/upstream-pools.js';
import { adapterFor } from '../providers/registry.js';
import { admitAll, type HealthGate } from '../health/health-gate.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { createApp } from './create-app.js';

type App = ReturnType<typeof createApp>;
import { createLogger, type Logger } from './logger.js';

export interface GatewayOptions {
  config: SwitchyardConfig;
  clock?: Clock;
  random?: Random;
  health?: HealthGate;
  logger?: Logger;
  observer?: RouterObserver;
  /** Overrides config.server.port (0 picks a free port). */
  port?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  app: App;
  router: Router;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logging.level);
  const routes = new RouteTable(config);
  const pools = new UpstreamPools({ connectTimeoutMs: config.timeouts.connectMs });
  const router = new Router({
    config,
    routes,
    pools,
    health: options.health ?? admitAll,
    clock,
    random: options.random ?? systemRandom,
    adapterFor,
    observer: options.observer,
  });
  const app = createApp({
    router,
    routes,
    pools,
    clock,
    logger,
    bodyLimitBytes: config.server.bodyLimitBytes,
    pingIntervalMs: config.server.pingIntervalMs,
  });
  await app.listen({ host: config.server.host, port: options.port ?? config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? config.server.port);
  return {
    url: `http://${config.server.host}:${port}`,
    port,
    app,
    router,
    async close() {
      await app.close();
      await pools.close();
    },
  };
}
