// The weighted policy with a seeded random: first-pick shares follow the weights, later picks are
// drawn without replacement, and weight 0 is only ever a fallback.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { weightedPolicy } from '../../../src/routing/policies/weighted.js';
import type { PolicyCandidate } from '../../../src/routing/policies/routing-policy.js';
import { seededRandom } from '../../../src/util/random.js';
import { candidateListArbitrary, scriptedRandom } from '../../conformance/routing-policy.case.js';

const draws = 10_000;

/** How often each id lands at `position` over `draws` orders from one seeded stream. */
function shareAt(candidates: readonly PolicyCandidate[], position: number, seed: number): Map<string, number> {
  const random = seededRandom(seed);
  const counts = new Map<string, number>();
  for (let draw = 0; draw < draws; draw += 1) {
    const id = weightedPolicy(candidates, random)[position]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return new Map([...counts].map(([id, count]) => [id, count / draws]));
}

describe('weighted policy', () => {
  it('picks first in proportion to weight: 3:1 gives 75% ± 2%', () => {
    for (const seed of [1, 42, 2024]) {
      const shares = shareAt(
        [
          { id: 'heavy', weight: 3 },
          { id: 'light', weight: 1 },
        ],
        0,
        seed,
      );
      expect(Math.abs(shares.get('heavy')! - 0.75)).toBeLessThan(0.02);
      expect(Math.abs(shares.get('light')! - 0.25)).toBeLessThan(0.02);
    }
  });

  it('follows uneven and fractional weights over several candidates', () => {
    const candidates = [
      { id: 'a', weight: 0.1 },
      { id: 'b', weight: 0.2 },
      { id: 'c', weight: 0.3 },
      { id: 'd', weight: 0.4 },
    ];
    const shares = shareAt(candidates, 0, 7);
    for (const candidate of candidates)
      expect(Math.abs(shares.get(candidate.id)! - candidate.weight)).toBeLessThan(0.02);
  });

  it('draws later positions without replacement, among the candidates left', () => {
    // a:2, b:1, c:1 → a is second when b or c went first (25% each) and a then won 2 of 3: 1/3.
    const shares = shareAt(
      [
        { id: 'a', weight: 2 },
        { id: 'b', weight: 1 },
        { id: 'c', weight: 1 },
      ],
      1,
      11,
    );
    expect(Math.abs(shares.get('a')! - 1 / 3)).toBeLessThan(0.02);
    expect(Math.abs(shares.get('b')! - 1 / 3)).toBeLessThan(0.02);
  });

  it('maps the draw onto cumulative weights: 0 picks the first, just below 1 the last', () => {
    const candidates = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 2 },
    ];
    expect(weightedPolicy(candidates, scriptedRandom([0]))).toEqual(['a', 'b', 'c']);
    expect(weightedPolicy(candidates, scriptedRandom([1 - Number.EPSILON]))).toEqual(['c', 'b', 'a']);
    expect(weightedPolicy(candidates, scriptedRandom([0.3, 0.6]))).toEqual(['b', 'c', 'a']);
  });

  it('never puts weight 0 first while a positive weight exists; zero weights go last in the given order', () => {
    fc.assert(
      fc.property(candidateListArbitrary, fc.integer({ min: 0, max: 0xffffffff }), (candidates, seed) => {
        const order = weightedPolicy(candidates, seededRandom(seed));
        const zeroIds = candidates.filter((candidate) => candidate.weight === 0).map((candidate) => candidate.id);
        expect(order.slice(order.length - zeroIds.length)).toEqual(zeroIds);
        if (zeroIds.length < candidates.length) expect(zeroIds).not.toContain(order[0]);
      }),
    );
  });

  it('keeps the given order when every weight is 0', () => {
    expect(
      weightedPolicy(
        [
          { id: 'x', weight: 0 },
          { id: 'y', weight: 0 },
          { id: 'z', weight: 0 },
        ],
        seededRandom(3),
      ),
    ).toEqual(['x', 'y', 'z']);
  });

  it('treats weights a config would reject as 0, and a missing one as the default 1', () => {
    const candidates = [
      { id: 'negative', weight: -5 },
      { id: 'not-a-number', weight: Number.NaN },
      { id: 'infinite', weight: Number.POSITIVE_INFINITY },
      { id: 'missing' } as unknown as PolicyCandidate,
    ];
    expect(weightedPolicy(candidates, seededRandom(9))).toEqual(['missing', 'negative', 'not-a-number', 'infinite']);
  });
});
