// Per-minute rollups, as written by each replica and as summed up for the availability report.
// A deployment row counts attempts at one deployment; a route row counts requests as the client saw
// them (after failover); a key row counts one gateway key's requests and tokens. Rows for the same minute from several replicas, or from several flushes of
// one replica, add up in the store.
import type { LatencyHistogram } from '../../health/latency-histogram.js';

export interface DeploymentRollupRow {
  kind: 'deployment';
  /** Epoch ms; floored to the minute by the store. */
  minute: number;
  deployment: string;
  attempts: number;
  successes: number;
  /** Failure kind (connect, timeout, server, ...) → count. */
  failuresByKind: Record<string, number>;
  /** Latency of the attempts (fixed log buckets, see health/latency-histogram.ts), mergeable by adding. */
  latency: LatencyHistogram;
  /** Time the deployment was ejected during that minute, as this replica saw it. */
  ejectedMs: number;
}

export interface RouteRollupRow {
  kind: 'route';
  minute: number;
  route: string;
  requests: number;
  successes: number;
  failures: number;
  /** Requests served by another deployment than the first one tried. */
  failovers: number;
  /** Latency those failovers added, summed over the requests. */
  extraLatencyMsSum: number;
  /** Hedges started for the route's requests (second attempts sent while the first one waited). */
  hedges?: number;
  /** Hedges that served the request (the first attempt was abandoned). */
  hedgesWon?: number;
}

/** What one gateway key (by name, never the key) asked for in a minute: requests, outcomes, tokens. */
export interface KeyRollupRow {
  kind: 'key';
  minute: number;
  /** The key's name, as operators created it; never the key itself. */
  key: string;
  requests: number;
  successes: number;
  failures: number;
  /** Requests tried on more than one deployment. */
  failovers: number;
  inputTokens: number;
  outputTokens: number;
}

export type RollupRow = DeploymentRollupRow | RouteRollupRow | KeyRollupRow;

export interface TimeRange {
  since: number;
  /** Exclusive; default now. */
  until?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface DeploymentAvailability {
  deployment: string;
  attempts: number;
  successes: number;
  failures: number;
  /** successes / attempts; null without attempts. */
  successRate: number | null;
  failuresByKind: Record<string, number>;
  /** Null when no latency was recorded. */
  latency: LatencySummary | null;
  ejectedMs: number;
}

export interface RouteAvailability {
  route: string;
  requests: number;
  successes: number;
  failures: number;
  /** successes / requests; null without requests. */
  successRate: number | null;
  failovers: number;
  extraLatencyMsSum: number;
  hedges: number;
  hedgesWon: number;
  /** Extra latency paid per failed-over request; null without failovers. */
  averageExtraLatencyMs: number | null;
}

export interface KeyUsage {
  key: string;
  requests: number;
  successes: number;
  failures: number;
  /** successes / requests; null without requests. */
  successRate: number | null;
  failovers: number;
  inputTokens: number;
  outputTokens: number;
}

export interface WriteRollupsOptions {
  /** A batch id makes the write idempotent: a retried batch that was in fact applied is skipped. */
  batchId?: string;
}

export interface PruneResult {
  rollups: number;
  incidents: number;
  alerts: number;
}
