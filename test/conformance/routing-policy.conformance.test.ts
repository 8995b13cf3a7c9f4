// Every routing policy runs the shared conformance suite: the registry's instances and the latency
// policy at the ends of its exploration range.
import { latencyPolicy } from '../../src/routing/policies/latency.js';
import { routingPolicies } from '../../src/routing/policies/routing-policy.js';
import { runRoutingPolicyConformance } from './routing-policy.case.js';

for (const [name, policy] of Object.entries(routingPolicies)) runRoutingPolicyConformance(name, policy);
runRoutingPolicyConformance('latency (exploration 0)', latencyPolicy({ exploration: 0 }));
runRoutingPolicyConformance('latency (exploration 1)', latencyPolicy({ exploration: 1 }));
