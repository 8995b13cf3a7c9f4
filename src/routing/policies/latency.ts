// The `latency` routing policy: lowest recent time to first token first (the figure a streaming client
// feels), falling back to the latency p50 for a deployment with no TTFT figure; deployments with
// neither come after every measured one, in the given order. Ties go to the lower latency p50, then to
// the given order. Greedy alone would starve the others of traffic, their figures would age out of the
// health window, and a deployment that got faster would never be noticed, so with probability
// `exploration` another candidate is put first: an unmeasured one when there is one (it is the one we
// know nothing about), otherwise one of the slower measured ones. The rest keep the greedy order.
import type { Random } from '../../util/random.js';
import type { PolicyCandidate, RoutingPolicy } from './routing-policy.js';

export interface LatencyPolicyOptions {
  /** Probability, in [0, 1], that a request explores another candidate first. Default 0.1. */
  exploration?: number;
}

export const defaultExploration = 0.1;

export function latencyPolicy(options: LatencyPolicyOptions = {}): RoutingPolicy {
  const exploration = options.exploration ?? defaultExploration;
  if (!(exploration >= 0 && exploration <= 1)) {
    throw new RangeError(`latency policy: exploration must be between 0 and 1, got ${exploration}`);
  }
  return function orderByLatency(candidates: readonly PolicyCandidate[], random: Random): string[] {
    const greedy = greedyOrder(candidates);
    if (greedy.length < 2 || exploration === 0) return greedy.map(({ candidate }) => candidate.id);
    if (random.next() >= exploration) return greedy.map(({ candidate }) => candidate.id);

    const others = greedy.slice(1);
    const unmeasured = others.filter(({ figure }) => figure === undefined);
    const pool = unmeasured.length > 0 ? unmeasured : others;
    const explored = pool[Math.min(Math.floor(random.next() * pool.length), pool.length - 1)]!;
    return [explored, ...greedy.filter((entry) => entry !== explored)].map(({ candidate }) => candidate.id);
  };
}

export const defaultLatencyPolicy: RoutingPolicy = latencyPolicy();

interface Ranked {
  candidate: PolicyCandidate;
  index: number;
  /** TTFT p50, else latency p50, else undefined (unmeasured). */
  figure: number | undefined;
  latency: number | undefined;
}

function greedyOrder(candidates: readonly PolicyCandidate[]): Ranked[] {
  return candidates
    .map((candidate, index): Ranked => {
      const latency = measured(candidate.latencyP50Ms);
      return { candidate, index, figure: measured(candidate.timeToFirstTokenP50Ms) ?? latency, latency };
    })
    .sort((a, b) => compareFigures(a.figure, b.figure) || compareFigures(a.latency, b.latency) || a.index - b.index);
}

/** Ascending, with an unknown figure after every known one. */
function compareFigures(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return Number(a === undefined) - Number(b === undefined);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Health reports "no figure" as undefined (or null in snapshots); NaN is treated the same way. */
function measured(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
}
