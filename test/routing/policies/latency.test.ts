// The latency policy with a seeded random: the fastest recent deployment leads except when exploring,
// exploration reaches deployments with no figures, and with exploration 0 the order is exactly by TTFT,
// then latency, then the given order.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultExploration, defaultLatencyPolicy, latencyPolicy } from '../../../src/routing/policies/latency.js';
import type { PolicyCandidate, RoutingPolicy } from '../../../src/routing/policies/routing-policy.js';
import { seededRandom } from '../../../src/util/random.js';
import { candidateListArbitrary } from '../../conformance/routing-policy.case.js';

const draws = 10_000;

function firstPickShares(
  policy: RoutingPolicy,
  candidates: readonly PolicyCandidate[],
  seed: number,
): Map<string, number> {
  const random = seededRandom(seed);
  const counts = new Map<string, number>();
  for (let draw = 0; draw < draws; draw += 1) {
    const id = policy(candidates, random)[0]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return new Map([...counts].map(([id, count]) => [id, count / draws]));
}

const measured: PolicyCandidate[] = [
  { id: 'slow', weight: 1, timeToFirstTokenP50Ms: 900, latencyP50Ms: 3_000 },
  { id: 'fast', weight: 1, timeToFirstTokenP50Ms: 150, latencyP50Ms: 2_000 },
  { id: 'middle', weight: 1, timeToFirstTokenP50Ms: 400, latencyP50Ms: 1_000 },
];

describe('latency policy', () => {
  it('puts the lowest TTFT first in all but the exploring share of draws (default exploration 0.1)', () => {
    expect(defaultExploration).toBe(0.1);
    for (const seed of [1, 99]) {
      const shares = firstPickShares(defaultLatencyPolicy, measured, seed);
      expect(shares.get('fast')!).toBeGreaterThanOrEqual(1 - defaultExploration - 0.02);
      expect(shares.get('fast')!).toBeLessThanOrEqual(1 - defaultExploration + 0.02);
      // Exploration spreads over the others, so their figures stay fresh.
      expect(Math.abs(shares.get('slow')! - 0.05)).toBeLessThan(0.015);
      expect(Math.abs(shares.get('middle')! - 0.05)).toBeLessThan(0.015);
    }
  });

  it('follows the exploration option', () => {
    const shares = firstPickShares(latencyPolicy({ exploration: 0.3 }), measured, 5);
    expect(Math.abs(shares.get('fast')! - 0.7)).toBeLessThan(0.02);
  });

  it('explores candidates without figures, in preference to measured ones', () => {
    const candidates: PolicyCandidate[] = [...measured, { id: 'new-a', weight: 1 }, { id: 'new-b', weight: 1 }];
    const shares = firstPickShares(defaultLatencyPolicy, candidates, 17);
    expect(Math.abs(shares.get('fast')! - 0.9)).toBeLessThan(0.02);
    expect(Math.abs(shares.get('new-a')! - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(shares.get('new-b')! - 0.05)).toBeLessThan(0.015);
    expect(shares.get('slow')).toBeUndefined();
  });

  it('keeps the greedy order behind the explored candidate', () => {
    const policy = latencyPolicy({ exploration: 1 });
    const random = seededRandom(23);
    for (let draw = 0; draw < 100; draw += 1) {
      const order = policy([...measured, { id: 'new', weight: 1 }], random);
      expect(order).toEqual(['new', 'fast', 'middle', 'slow']);
    }
  });

  it('with exploration 1, never leads with the greedy choice when there is another', () => {
    const shares = firstPickShares(latencyPolicy({ exploration: 1 }), measured, 31);
    expect(shares.get('fast')).toBeUndefined();
    expect(Math.abs(shares.get('slow')! - 0.5)).toBeLessThan(0.02);
  });

  it('with exploration 0, orders by TTFT, falling back to latency p50, unmeasured last in the given order', () => {
    const policy = latencyPolicy({ exploration: 0 });
    const candidates: PolicyCandidate[] = [
      { id: 'unknown-1', weight: 1 },
      { id: 'latency-only', weight: 1, latencyP50Ms: 300 },
      { id: 'ttft-500', weight: 1, timeToFirstTokenP50Ms: 500, latencyP50Ms: 100 },
      { id: 'unknown-2', weight: 1 },
      { id: 'ttft-200-latency-900', weight: 1, timeToFirstTokenP50Ms: 200, latencyP50Ms: 900 },
      { id: 'ttft-200-latency-800', weight: 1, timeToFirstTokenP50Ms: 200, latencyP50Ms: 800 },
      { id: 'ttft-200-no-latency', weight: 1, timeToFirstTokenP50Ms: 200 },
      { id: 'ttft-200-latency-800-again', weight: 1, timeToFirstTokenP50Ms: 200, latencyP50Ms: 800 },
    ];
    expect(policy(candidates, seededRandom(1))).toEqual([
      'ttft-200-latency-800',
      'ttft-200-latency-800-again',
      'ttft-200-latency-900',
      'ttft-200-no-latency',
      'latency-only',
      'ttft-500',
      'unknown-1',
      'unknown-2',
    ]);
  });

  it('with exploration 0, every adjacent pair is in figure order, ties in the given order', () => {
    const policy = latencyPolicy({ exploration: 0 });
    const key = (candidate: PolicyCandidate) => candidate.timeToFirstTokenP50Ms ?? candidate.latencyP50Ms ?? Infinity;
    fc.assert(
      fc.property(candidateListArbitrary, fc.integer({ min: 0, max: 0xffffffff }), (candidates, seed) => {
        const byId = new Map(candidates.map((candidate, index) => [candidate.id, { candidate, index }]));
        const order = policy(candidates, seededRandom(seed)).map((id) => byId.get(id)!);
        for (let position = 1; position < order.length; position += 1) {
          const before = order[position - 1]!;
          const after = order[position]!;
          const beforeKey = key(before.candidate);
          const afterKey = key(after.candidate);
          expect(beforeKey).toBeLessThanOrEqual(afterKey);
          if (beforeKey !== afterKey) continue;
          const beforeLatency = before.candidate.latencyP50Ms ?? Infinity;
          const afterLatency = after.candidate.latencyP50Ms ?? Infinity;
          expect(beforeLatency).toBeLessThanOrEqual(afterLatency);
          if (beforeLatency === afterLatency) expect(before.index).toBeLessThan(after.index);
        }
      }),
    );
  });

  it('does not consume randomness when it cannot or need not explore', () => {
    let calls = 0;
    const counting = { next: () => ((calls += 1), 0) };
    latencyPolicy({ exploration: 0 })(measured, counting);
    defaultLatencyPolicy(measured.slice(0, 1), counting);
    expect(calls).toBe(0);
  });

  it('rejects an exploration outside [0, 1]', () => {
    for (const exploration of [-0.1, 1.5, Number.NaN]) {
      expect(() => latencyPolicy({ exploration })).toThrow(RangeError);
    }
  });
});
