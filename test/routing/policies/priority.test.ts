// The priority policy and the registry: the config's order, untouched by randomness; every strategy
// name the config accepts has a policy.
import { describe, expect, it } from 'vitest';
import { deploymentSchema, routeSchema } from '../../../src/config/schema.js';
import { defaultLatencyPolicy } from '../../../src/routing/policies/latency.js';
import { priorityPolicy } from '../../../src/routing/policies/priority.js';
import { routingPolicies } from '../../../src/routing/policies/routing-policy.js';
import { weightedPolicy } from '../../../src/routing/policies/weighted.js';
import { seededRandom } from '../../../src/util/random.js';

describe('priority policy', () => {
  it('keeps the given order whatever the weights, figures and seed', () => {
    const candidates = [
      { id: 'primary', weight: 0, timeToFirstTokenP50Ms: 5_000 },
      { id: 'secondary', weight: 10, timeToFirstTokenP50Ms: 10 },
      { id: 'tertiary', weight: 1 },
    ];
    for (const seed of [0, 1, 123456]) {
      expect(priorityPolicy(candidates, seededRandom(seed))).toEqual(['primary', 'secondary', 'tertiary']);
    }
  });
});

describe('routing policy registry', () => {
  it('has a policy for every strategy the config accepts', () => {
    expect(routingPolicies).toEqual({
      priority: priorityPolicy,
      weighted: weightedPolicy,
      latency: defaultLatencyPolicy,
    });
    for (const strategy of Object.keys(routingPolicies)) {
      expect(routeSchema.parse({ name: 'route', deployments: ['a'], strategy }).strategy).toBe(strategy);
    }
    expect(() => routeSchema.parse({ name: 'route', deployments: ['a'], strategy: 'random' })).toThrow();
  });

  it('gives deployments a weight of 1 unless set, and refuses a negative one', () => {
    const deployment = { id: 'a', provider: 'openai', model: 'gpt' };
    expect(deploymentSchema.parse(deployment).weight).toBe(1);
    expect(deploymentSchema.parse({ ...deployment, weight: 0 }).weight).toBe(0);
    expect(() => deploymentSchema.parse({ ...deployment, weight: -1 })).toThrow();
  });
});
