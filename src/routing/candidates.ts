// The order in which one request tries a route's deployments: the route's policy (priority,
// weighted, latency) proposes, health disposes (healthy first, ejected left out, a degraded failure
// domain last, a panic pick when nothing else is left).
import type { DeploymentConfig } from '../config/schema.js';
import type { HealthGate } from '../health/health-gate.js';
import type { Random } from '../util/random.js';
import { routingPolicies, type PolicyCandidate } from './policies/routing-policy.js';
import type { ResolvedRoute } from './resolve-route.js';

export function orderCandidates(route: ResolvedRoute, health: HealthGate, random: Random): DeploymentConfig[] {
  const deployments = route.deployments;
  let ids: string[];
  if (deployments.length <= 1) {
    ids = deployments.map((deployment) => deployment.id);
  } else {
    const candidates: PolicyCandidate[] = deployments.map((deployment) => ({
      id: deployment.id,
      weight: deployment.weight ?? 1,
      ...(route.strategy === 'latency' ? health.recentLatency?.(deployment.id) : undefined),
    }));
    ids = routingPolicies[route.strategy](candidates, random);
  }
  const ordered = health.order ? health.order(ids) : ids;
  return ordered
    .map((id) => route.byId.get(id))
    .filter((deployment): deployment is DeploymentConfig => deployment !== undefined);
}
