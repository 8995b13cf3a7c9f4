// The `weighted` routing policy: a weighted random order without replacement. The first pick is
// proportional to weight among all candidates, the next among the rest, and so on, so a 3:1 route
// sends 75% of first attempts to the heavier deployment and still has an order to fail over along.
// Weight 0 means "only as a fallback": such candidates come after every positive weight, in the given
// order. Weights the config would reject (negative, NaN, infinite) count as 0 so the function stays total.
import type { Random } from '../../util/random.js';
import type { PolicyCandidate, RoutingPolicy } from './routing-policy.js';

export const weightedPolicy: RoutingPolicy = (candidates: readonly PolicyCandidate[], random: Random) => {
  const pool: PolicyCandidate[] = [];
  const fallbacks: string[] = [];
  for (const candidate of candidates) {
    if (usableWeight(candidate.weight) > 0) pool.push(candidate);
    else fallbacks.push(candidate.id);
  }

  const order: string[] = [];
  while (pool.length > 1) {
    const index = pickIndex(pool, random.next());
    order.push(pool[index]!.id);
    pool.splice(index, 1);
  }
  if (pool[0]) order.push(pool[0].id);
  return [...order, ...fallbacks];
};

/** The index whose cumulative weight first exceeds `draw × total`. */
function pickIndex(pool: readonly PolicyCandidate[], draw: number): number {
  let total = 0;
  for (const candidate of pool) total += usableWeight(candidate.weight);
  const target = draw * total;
  let cumulative = 0;
  for (let index = 0; index < pool.length; index += 1) {
    cumulative += usableWeight(pool[index]!.weight);
    if (target < cumulative) return index;
  }
  // Rounding can leave the target at or just past the summed total when the draw is close to 1.
  return pool.length - 1;
}

/** A missing weight (a caller outside the type checker) is the config default, 1. */
function usableWeight(weight: number | undefined): number {
  const value = weight ?? 1;
  return Number.isFinite(value) && value > 0 ? value : 0;
}
