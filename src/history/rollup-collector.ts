// Feeds the per-minute availability rollups from the request path's diagnostics channels and the
// health tracker's state changes, through the batching store writer (never the request path itself).
// One row per event: the writer adds rows of the same minute and key together before it writes.
import diagnosticsChannel from 'node:diagnostics_channel';
import { attemptChannel, requestChannel, type AttemptEvent, type RequestEvent } from '../observability/channels.js';
import { addSample } from '../health/latency-histogram.js';
import { outcomePolicies } from '../health/outcome-policy.js';
import type { StateChange } from '../health/deployment-state.js';
import type { Clock } from '../util/clock.js';
import type { RollupRow } from './store/rollup-rows.js';

const minuteMs = 60_000;

export interface RollupSink {
  enqueueRollup(row: RollupRow): void;
}

export interface RollupCollectorOptions {
  writer: RollupSink;
  clock: Clock;
  /** State changes of the health tracker, for the time each deployment spent ejected. */
  onStateChange?: (listener: (change: StateChange) => void) => () => void;
}

export class RollupCollector {
  private readonly ejectedSince = new Map<string, number>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: RollupCollectorOptions) {
    const onAttempt = (message: unknown) => this.recordAttempt(message as AttemptEvent);
    const onRequest = (message: unknown) => this.recordRequest(message as RequestEvent);
    diagnosticsChannel.subscribe(attemptChannel.name, onAttempt);
    diagnosticsChannel.subscribe(requestChannel.name, onRequest);
    this.unsubscribe.push(
      () => diagnosticsChannel.unsubscribe(attemptChannel.name, onAttempt),
      () => diagnosticsChannel.unsubscribe(requestChannel.name, onRequest),
    );
    if (options.onStateChange) this.unsubscribe.push(options.onStateChange((change) => this.recordStateChange(change)));
  }

  recordAttempt(event: AttemptEvent): void {
    // A hedge is counted for its route whatever became of it; it served the request when it succeeded
    // (had the first attempt answered first, the hedge would have been abandoned).
    if (event.role === 'hedge') this.recordHedge(event);
    // Client aborts and our own errors say nothing about the upstream's availability.
    if (event.kind !== 'success' && !outcomePolicies[event.kind].countsAgainstHealth && event.kind !== 'rate-limited')
      return;
    const latency = {};
    addSample(latency, event.latencyMs);
    this.options.writer.enqueueRollup({
      kind: 'deployment',
      minute: this.options.clock.now(),
      deployment: event.deployment,
      attempts: 1,
      successes: event.kind === 'success' ? 1 : 0,
      failuresByKind: event.kind === 'success' ? {} : { [event.kind]: 1 },
      latency,
      ejectedMs: 0,
    });
  }

  private recordHedge(event: AttemptEvent): void {
    this.options.writer.enqueueRollup({
      kind: 'route',
      minute: this.options.clock.now(),
      route: event.route,
      requests: 0,
      successes: 0,
      failures: 0,
      failovers: 0,
      extraLatencyMsSum: 0,
      hedges: 1,
      hedgesWon: event.kind === 'success' ? 1 : 0,
    });
  }

  recordRequest(event: RequestEvent): void {
    if (event.key !== undefined) this.recordKey(event, event.key);
    // A client that went away before an answer is not a request we failed.
    if (event.status === 499 || !event.route) return;
    this.options.writer.enqueueRollup({
      kind: 'route',
      minute: this.options.clock.now(),
      route: event.route,
      requests: 1,
      successes: event.succeeded ? 1 : 0,
      failures: event.succeeded ? 0 : 1,
      failovers: event.failedOver ? 1 : 0,
      extraLatencyMsSum: event.failedOver ? Math.round(event.extraLatencyMs ?? 0) : 0,
    });
  }

  /** A gateway key's request, as /metrics counts it (switchyard_key_*): every request, its tokens. */
  private recordKey(event: RequestEvent, key: string): void {
    this.options.writer.enqueueRollup({
      kind: 'key',
      minute: this.options.clock.now(),
      key,
      requests: 1,
      successes: event.succeeded ? 1 : 0,
      failures: event.succeeded ? 0 : 1,
      failovers: event.failedOver ? 1 : 0,
      inputTokens: event.usage?.inputTokens ?? 0,
      outputTokens: event.usage?.outputTokens ?? 0,
    });
  }

  recordStateChange(change: StateChange): void {
    if (change.kind !== 'deployment') return;
    if (change.to === 'ejected' && !this.ejectedSince.has(change.id)) this.ejectedSince.set(change.id, change.at);
    else if (change.to !== 'ejected' && change.to !== 'probing') this.closeEjection(change.id, change.at);
  }

  /** Writes the ejected time of ejections still running (at shutdown, or for an up-to-date report). */
  flushOngoing(): void {
    const now = this.options.clock.now();
    for (const id of [...this.ejectedSince.keys()]) {
      this.closeEjection(id, now);
      this.ejectedSince.set(id, now);
    }
  }

  close(): void {
    this.flushOngoing();
    this.ejectedSince.clear();
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  private closeEjection(id: string, until: number): void {
    const since = this.ejectedSince.get(id);
    if (since === undefined) return;
    this.ejectedSince.delete(id);
    // Split the ejected interval at minute boundaries so each minute gets its share.
    for (let start = since; start < until; ) {
      const minuteEnd = (Math.floor(start / minuteMs) + 1) * minuteMs;
      const end = Math.min(until, minuteEnd);
      this.options.writer.enqueueRollup({
        kind: 'deployment',
        minute: start,
        deployment: id,
        attempts: 0,
        successes: 0,
        failuresByKind: {},
        latency: {},
        ejectedMs: end - start,
      });
      start = end;
    }
  }
}
