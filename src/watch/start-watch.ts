// `switchyard watch`: the gateway with no clients in its path. Everything beside the path runs as in
// `serve` (health, incidents, alerts, status pages, history, the dashboard and admin API on the port),
// fed by synthetic requests instead of client traffic. The gateway's own prober is off: the watch
// sends every request itself, so every request it sends counts against the spend cap.
import type { SwitchyardConfig } from '../config/schema.js';
import { adapterFor } from '../providers/registry.js';
import { sendProbe } from '../providers/probe-deployment.js';
import type { GatewayOptions, RunningGateway } from '../server/gateway.js';
import { createLogger } from '../server/logger.js';
import { UpstreamPools, poolOptionsOf } from '../transport/upstream-pools.js';
import { systemClock } from '../util/clock.js';
import { SyntheticWatch } from './synthetic-watch.js';

export interface RunningWatch {
  gateway: RunningGateway;
  watch: SyntheticWatch;
  close(): Promise<void>;
}

export async function startWatch(options: GatewayOptions): Promise<RunningWatch> {
  if (!options.config.health.enabled) throw new Error('watch: health.enabled must be true (the watch feeds health)');
  const clock = options.clock ?? systemClock;
  const config: SwitchyardConfig = {
    ...options.config,
    health: { ...options.config.health, probes: { ...options.config.health.probes, enabled: false } },
  };
  const logger = options.logger ?? createLogger(config.logging.level);
  let watch: SyntheticWatch | undefined;
  const { startGateway } = await import('../server/gateway.js');
  const gateway = await startGateway({
    ...options,
    config,
    logger,
    extraHealth: () => ({ ...options.extraHealth?.(), watch: watch?.status() ?? [] }),
  });
  const pools = new UpstreamPools(poolOptionsOf(config));
  watch = new SyntheticWatch({
    deployments: config.deployments,
    settings: config.watch,
    tracker: gateway.tracker!,
    clock,
    send: (deployment, signal) => sendProbe(deployment, adapterFor(deployment.provider), pools, clock, signal),
    onNotice: (message, fields) => logger.warn(fields, `watch: ${message}`),
  });
  watch.start();
  return {
    gateway,
    watch,
    async close() {
      watch?.stop();
      await gateway.close();
      await pools.close();
    },
  };
}
