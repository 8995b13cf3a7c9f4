// The `priority` routing policy: the route's deployments in the order the config lists them.
import type { DeploymentConfig } from '../../config/schema.js';
import type { PolicyCandidate, RoutingPolicy } from './routing-policy.js';

/** The router's current entry point (it passes deployments); kept until it calls `routingPolicies`. */
export function orderByPriority(deployments: readonly DeploymentConfig[]): DeploymentConfig[] {
  return [...deployments];
}

export const priorityPolicy: RoutingPolicy = (candidates: readonly PolicyCandidate[]) =>
  candidates.map((candidate) => candidate.id);
