// Priority when fallback capacity runs short: while a route is failing over (health has left one of
// its deployments out) and the deployment that would serve is near its rate limit, requests from
// `priority: low` keys are refused with a 429 before any attempt — so they count against no
// deployment's health and the fallback's remaining quota goes to interactive traffic.
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
  const serving = candidates[0];
  if (!serving) return undefined;
  const admitted = new Set(candidates.map((deployment) => deployment.id));
  const failingOver = route.deployments.some((deployment) => !admitted.has(deployment.id));
  if (!failingOver) return undefined;
  const pressed = pressure.pressure(serving.id);
  if (!pressed.nearLimit) return undefined;
  return new GatewayError({
    status: 429,
    code: 'SWITCHYARD_SHED_LOW_PRIORITY',
    message: `route "${route.name}" is failing over and its fallback "${serving.id}" is near its rate limit: low-priority requests are shed until it recovers`,
    upstreamType: 'rate_limit_error',
    retryAfterMs: Math.max(1_000, pressed.retryAfterMs),
    shouldRetry: true,
  });
}
