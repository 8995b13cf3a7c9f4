// What a routing policy is, and the registry the router picks one from by the route's `strategy`.
// A policy is a pure function: candidates and an injected Random in, a preferred-first order out. It
// knows nothing of health; the health tracker later regroups the order (healthy → degraded → probing)
// and keeps the policy's order within each group.
import type { Random } from '../../util/random.js';
import { defaultLatencyPolicy } from './latency.js';
import { priorityPolicy } from './priority.js';
import { weightedPolicy } from './weighted.js';

export interface PolicyCandidate {
  id: string;
  /** Config weight (weighted strategy); default 1. */
  weight: number;
  /** Recent latency figures from health (ms); undefined when the deployment has no recent successes. */
  timeToFirstTokenP50Ms?: number;
  latencyP50Ms?: number;
}

/** Returns a permutation of the candidates' ids, preferred first. Never throws, never mutates its input. */
export type RoutingPolicy = (candidates: readonly PolicyCandidate[], random: Random) => string[];

export type RoutingPolicyName = 'priority' | 'weighted' | 'latency';

export const routingPolicies: Record<RoutingPolicyName, RoutingPolicy> = {
  priority: priorityPolicy,
  weighted: weightedPolicy,
  latency: defaultLatencyPolicy,
};
