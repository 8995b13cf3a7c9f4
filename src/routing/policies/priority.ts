// The `priority` routing policy: the route's deployments in the order the config lists them.
import type { PolicyCandidate, RoutingPolicy } from './routing-policy.js';

export const priorityPolicy: RoutingPolicy = (candidates: readonly PolicyCandidate[]) =>
  candidates.map((candidate) => candidate.id);
