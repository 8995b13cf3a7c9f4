// The conformance suite every routing policy runs (the Hono pattern: one suite, many implementations).
// Whatever the strategy, the router relies on these: the answer is a permutation of the candidates'
// ids, it depends only on the candidates and the injected Random (so a seed reproduces it), and no
// input, however odd, makes it throw or changes the candidates it was given.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { PolicyCandidate, RoutingPolicy } from '../../src/routing/policies/routing-policy.js';
import { seededRandom, type Random } from '../../src/util/random.js';

const figureArbitrary = fc.option(fc.double({ min: 0, max: 60_000, noNaN: true }), { nil: undefined });

/** Candidates the config and health can produce: unique ids, weights ≥ 0 (often 0 or 1), figures or none. */
export const candidateListArbitrary: fc.Arbitrary<PolicyCandidate[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9.-]{1,12}$/), { maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          id: fc.constant(id),
          weight: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1_000, noNaN: true })),
          timeToFirstTokenP50Ms: figureArbitrary,
          latencyP50Ms: figureArbitrary,
        }),
      ),
    ),
  )
  .map((candidates) => candidates.map(withoutUndefinedFields));

/** Values the type allows but no valid config or health snapshot produces. */
const oddCandidateListArbitrary: fc.Arbitrary<PolicyCandidate[]> = fc.array(
  fc.record({
    id: fc.string({ maxLength: 4 }),
    weight: fc.double(),
    timeToFirstTokenP50Ms: fc.option(fc.double(), { nil: undefined }),
    latencyP50Ms: fc.option(fc.double(), { nil: undefined }),
  }),
  { maxLength: 10 },
);

const seedArbitrary = fc.integer({ min: 0, max: 0xffffffff });

/** A Random that replays the given draws (cycling), to reach the edges of [0, 1) a seed rarely hits. */
export function scriptedRandom(draws: readonly number[]): Random {
  let position = 0;
  return {
    next() {
      const draw = draws.length === 0 ? 0 : draws[position % draws.length]!;
      position += 1;
      return draw;
    },
  };
}

const edgeDrawsArbitrary = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.constant(1 - Number.EPSILON),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  ),
  { minLength: 1, maxLength: 20 },
);

function withoutUndefinedFields(candidate: PolicyCandidate): PolicyCandidate {
  return Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined)) as PolicyCandidate;
}

function expectPermutation(order: readonly string[], candidates: readonly PolicyCandidate[]): void {
  expect([...order].sort()).toEqual(candidates.map((candidate) => candidate.id).sort());
}

export function runRoutingPolicyConformance(name: string, policy: RoutingPolicy): void {
  describe(`routing policy conformance: ${name}`, () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('returns a permutation of the ids, each exactly once', () => {
      fc.assert(
        fc.property(candidateListArbitrary, seedArbitrary, (candidates, seed) => {
          const order = policy(candidates, seededRandom(seed));
          expect(order).toHaveLength(candidates.length);
          expect(new Set(order).size).toBe(order.length);
          expectPermutation(order, candidates);
        }),
      );
    });

    it('gives the same order for the same candidates and seed', () => {
      fc.assert(
        fc.property(candidateListArbitrary, seedArbitrary, (candidates, seed) => {
          const first = policy(candidates, seededRandom(seed));
          expect(policy(candidates, seededRandom(seed))).toEqual(first);
          expect(policy(structuredClone(candidates), seededRandom(seed))).toEqual(first);
        }),
      );
    });

    it('uses only the injected Random, never Math.random', () => {
      const mathRandom = vi.spyOn(Math, 'random');
      fc.assert(
        fc.property(candidateListArbitrary, seedArbitrary, (candidates, seed) => {
          policy(candidates, seededRandom(seed));
        }),
      );
      expect(mathRandom).not.toHaveBeenCalled();
    });

    it('does not change the candidates it is given', () => {
      fc.assert(
        fc.property(candidateListArbitrary, seedArbitrary, (candidates, seed) => {
          const before = structuredClone(candidates);
          policy(Object.freeze(candidates.map((candidate) => Object.freeze(candidate))), seededRandom(seed));
          expect(candidates).toEqual(before);
        }),
      );
    });

    it('never throws on an empty list or a single candidate', () => {
      expect(policy([], seededRandom(1))).toEqual([]);
      fc.assert(
        fc.property(candidateListArbitrary, seedArbitrary, (candidates, seed) => {
          const single = candidates.slice(0, 1);
          expect(policy(single, seededRandom(seed))).toEqual(single.map((candidate) => candidate.id));
        }),
      );
      expect(policy([{ id: 'only', weight: 0 }], seededRandom(1))).toEqual(['only']);
    });

    it('returns a permutation for any Random, including draws of 0 and just below 1', () => {
      fc.assert(
        fc.property(candidateListArbitrary, edgeDrawsArbitrary, (candidates, draws) => {
          expectPermutation(policy(candidates, scriptedRandom(draws)), candidates);
        }),
      );
    });

    it('returns a permutation even for weights and figures a valid config would reject', () => {
      fc.assert(
        fc.property(oddCandidateListArbitrary, seedArbitrary, (candidates, seed) => {
          // Duplicate ids are possible here: the answer is then a permutation of the list, duplicates included.
          expectPermutation(policy(candidates, seededRandom(seed)), candidates);
        }),
      );
    });
  });
}
