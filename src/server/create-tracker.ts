// The gateway's health tracker, built from config, with every state change logged: warn for ejections and
// degraded domains, info otherwise. A reload hands it the new deployments through trackedDeployments.
import type { SwitchyardConfig } from '../config/schema.js';
import type { StateChange } from '../health/deployment-state.js';
import { HealthTracker } from '../health/health-tracker.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from './logger.js';

/** The tracker's view of the configured deployments (a reload passes the new ones). */
export function trackedDeployments(config: SwitchyardConfig) {
  return config.deployments.map((deployment) => {
    const { probe: _probe, ...settings } = deployment.health ?? {};
    return { id: deployment.id, domains: deployment.domains, settings };
  });
}

/** The health tracker for `config`, its state changes logged. */
export function createTracker(
  config: SwitchyardConfig,
  clock: Clock,
  logger: Logger,
  waitClock?: Pick<Clock, 'now'>,
): HealthTracker {
  const tracker = new HealthTracker({
    clock,
    ...(waitClock ? { waitClock } : {}),
    defaults: config.health.defaults,
    domainThreshold: config.health.domainThreshold,
    deployments: trackedDeployments(config),
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
