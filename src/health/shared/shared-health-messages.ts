// What replicas send each other through Redis, as JSON: outcome counts (since the sender's last
// publish) and state decisions. Everything read back is checked field by field, because it comes
// over the network from other processes, possibly running another version: a message that does not
// match is ignored whole, and counts are rebuilt from numbers only so that nothing odd reaches the
// outcome window.
import type { FailureKind } from '../../canonical/errors.js';
import { emptyBucketCounts, type BucketCounts } from '../bucket-counts.js';
import { deploymentStates, type DeploymentState, type RemoteStateChange } from '../deployment-state.js';
import type { LocalCountsDelta } from '../health-tracker.js';
import { histogramMaxIndex, type LatencyHistogram } from '../latency-histogram.js';
import { outcomePolicies } from '../outcome-policy.js';
import { isRecord, parseJson } from '../../util/wire-values.js';

/** Bumped when the format changes incompatibly, so replicas of different versions ignore each other. */
export const sharedHealthFormat = 1;

export interface CountsMessage {
  replica: string;
  deltas: LocalCountsDelta[];
}

/** A state decision as replicas exchange and store it: who decided, and what. */
export interface SharedDecision extends RemoteStateChange {
  replica: string;
}

// Reasons are for people reading the admin API; a runaway one must not bloat every replica's state.
const maxReasonLength = 500;
const failureKinds = new Set(Object.keys(outcomePolicies).filter((kind) => kind !== 'success'));
const states = new Set<string>(deploymentStates);

export function encodeCountsMessage(replica: string, deltas: readonly LocalCountsDelta[]): string {
  return JSON.stringify({ v: sharedHealthFormat, replica, deltas });
}

export function parseCountsMessage(text: string): CountsMessage | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || value.v !== sharedHealthFormat || !isName(value.replica) || !Array.isArray(value.deltas))
    return undefined;
  const deltas: LocalCountsDelta[] = [];
  for (const entry of value.deltas) {
    if (!isRecord(entry) || !isName(entry.id) || !isFiniteNumber(entry.bucketStartMs)) return undefined;
    const counts = parseBucketCounts(entry.counts);
    if (!counts) return undefined;
    deltas.push({ id: entry.id, bucketStartMs: entry.bucketStartMs, counts });
  }
  return { replica: value.replica, deltas };
}

export function encodeDecision(decision: SharedDecision): string {
  return JSON.stringify({ v: sharedHealthFormat, ...decision });
}

export function parseDecision(text: string): SharedDecision | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || value.v !== sharedHealthFormat) return undefined;
  const { replica, id, to, reason, at, ejectedUntil, ejectionCount } = value;
  if (!isName(replica) || !isName(id) || typeof to !== 'string' || !states.has(to)) return undefined;
  if (typeof reason !== 'string' || !isFiniteNumber(at)) return undefined;
  if (ejectedUntil !== undefined && !isFiniteNumber(ejectedUntil)) return undefined;
  if (ejectionCount !== undefined && !(Number.isInteger(ejectionCount) && (ejectionCount as number) >= 1))
    return undefined;
  const decision: SharedDecision = {
    replica,
    id,
    to: to as DeploymentState,
    reason: reason.slice(0, maxReasonLength),
    at,
  };
  if (ejectedUntil !== undefined) decision.ejectedUntil = ejectedUntil;
  if (ejectionCount !== undefined) decision.ejectionCount = ejectionCount as number;
  return decision;
}

function parseBucketCounts(value: unknown): BucketCounts | undefined {
  if (!isRecord(value)) return undefined;
  const counts = emptyBucketCounts();
  for (const key of ['attempts', 'successes', 'failures'] as const) {
    const count = value[key];
    if (!isCount(count)) return undefined;
    counts[key] = count;
  }
  const byKind = value.failuresByKind ?? {};
  if (!isRecord(byKind)) return undefined;
  for (const [kind, count] of Object.entries(byKind)) {
    if (!failureKinds.has(kind) || !isCount(count)) return undefined;
    counts.failuresByKind[kind as FailureKind] = count;
  }
  const latency = parseHistogram(value.latency ?? {});
  const timeToFirstToken = parseHistogram(value.timeToFirstToken ?? {});
  if (!latency || !timeToFirstToken) return undefined;
  counts.latency = latency;
  counts.timeToFirstToken = timeToFirstToken;
  return counts;
}

function parseHistogram(value: unknown): LatencyHistogram | undefined {
  if (!isRecord(value)) return undefined;
  const histogram: LatencyHistogram = {};
  for (const [key, count] of Object.entries(value)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index > histogramMaxIndex || !isCount(count)) return undefined;
    histogram[index] = count;
  }
  return histogram;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
