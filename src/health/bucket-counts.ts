// The counts one bucket of the outcome window holds. Additive, so counts recorded by this replica and
// counts received from other replicas merge by addition; plain JSON, so a shared store can carry them.
import type { FailureKind } from '../canonical/errors.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { addSample, mergeHistogram, type LatencyHistogram } from './latency-histogram.js';
import { outcomePolicies } from './outcome-policy.js';

export interface BucketCounts {
  /** Every recorded attempt, whatever its outcome. */
  attempts: number;
  successes: number;
  /** Upstream-origin failures only (outcomePolicies[kind].countsAgainstHealth). */
  failures: number;
  /** Every non-success outcome by kind, counted against health or not, for visibility. */
  failuresByKind: Partial<Record<FailureKind, number>>;
  /** Latency of successful attempts (a fast 503 would make a sick deployment look quick). */
  latency: LatencyHistogram;
  /** Time to first token of successful attempts. */
  timeToFirstToken: LatencyHistogram;
}

export function emptyBucketCounts(): BucketCounts {
  return { attempts: 0, successes: 0, failures: 0, failuresByKind: {}, latency: {}, timeToFirstToken: {} };
}

export function addOutcome(counts: BucketCounts, outcome: AttemptOutcome): void {
  addOutcomeCounts(counts, outcome);
  if (outcome.kind !== 'success') return;
  addSample(counts.latency, outcome.latencyMs);
  if (outcome.timeToFirstTokenMs !== undefined) addSample(counts.timeToFirstToken, outcome.timeToFirstTokenMs);
}

/** Counts one outcome (attempts, successes, failures by kind), leaving the latency histograms alone. */
export function addOutcomeCounts(counts: BucketCounts, outcome: AttemptOutcome): void {
  counts.attempts += 1;
  if (outcome.kind === 'success') {
    counts.successes += 1;
    return;
  }
  counts.failuresByKind[outcome.kind] = (counts.failuresByKind[outcome.kind] ?? 0) + 1;
  if (outcomePolicies[outcome.kind].countsAgainstHealth) counts.failures += 1;
}

export function mergeBucketCounts(into: BucketCounts, from: Readonly<BucketCounts>): void {
  into.attempts += nonNegative(from.attempts);
  into.successes += nonNegative(from.successes);
  into.failures += nonNegative(from.failures);
  for (const [kind, count] of Object.entries(from.failuresByKind ?? {})) {
    const failureKind = kind as FailureKind;
    into.failuresByKind[failureKind] = (into.failuresByKind[failureKind] ?? 0) + nonNegative(count);
  }
  mergeHistogram(into.latency, from.latency ?? {});
  mergeHistogram(into.timeToFirstToken, from.timeToFirstToken ?? {});
}

export function cloneBucketCounts(counts: Readonly<BucketCounts>): BucketCounts {
  const copy = emptyBucketCounts();
  mergeBucketCounts(copy, counts);
  return copy;
}

// Counts from another replica arrive over the network: a malformed number must not poison the window.
function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
