// Priority when fallback capacity runs short: when a deployment serving failover traffic is near its
// rate limit, requests from `priority: low` keys are refused with a 429 before any attempt — so they
// count against no deployment's health and the fallback's remaining quota goes to interactive traffic.
// A candidate serves failover traffic when it leads the order while health has left a deployment of the
// route out, or when it answered failed-over requests lately (the primary may be back to probing, still
// failing, while the fallback still takes the traffic).
import { GatewayError } from '../canonical/gateway-error.js';
import type { KeyPriority } from '../config/auth-schema.js';
import type { DeploymentConfig } from '../config/schema.js';
import type { QuotaPressure } from './quota-pressure.js';
import type { ResolvedRoute } from './resolve-route.js';

/** The refusal for a low-priority request, or undefined when it may go on. */
export function shedLowPriority(
  priority: KeyPriority | undefined,
  route: ResolvedRoute,
  candidates: readonly DeploymentConfig[],
  pressure: QuotaPressure,
): GatewayError | undefined {
  if (priority !== 'low') return undefined;
  const admitted = new Set(candidates.map((deployment) => deployment.id));
  const leftOut = route.deployments.some((deployment) => !admitted.has(deployment.id));
  const serving = candidates.find(
    (deployment, index) =>
      ((index === 0 && leftOut) || pressure.servingFailover(deployment.id)) &&
      pressure.pressure(deployment.id).nearLimit,
  );
  if (!serving) return undefined;
  const pressed = pressure.pressure(serving.id);
  return new GatewayError({
    status: 429,
    code: 'SWITCHYARD_SHED_LOW_PRIORITY',
    message: `route "${route.name}" is failing over and its fallback "${serving.id}" is near its rate limit: low-priority requests are shed until it recovers`,
    upstreamType: 'rate_limit_error',
    retryAfterMs: Math.max(1_000, pressed.retryAfterMs),
    shouldRetry: true,
  });
}
