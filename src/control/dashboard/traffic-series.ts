// The dashboard's last fifteen minutes: per deployment (from attempts) and per route (from client
// requests), request rate, success rate, p50 / p95 latency and time to first token in five-second
// buckets, with failovers and hedges counted so the charts can mark them. Fed by the diagnostics
// channels, so the request path does not know it exists; only configured deployments and routes are
// kept, so a client inventing model names cannot grow it.
import diagnosticsChannel from 'node:diagnostics_channel';
import { addSample, histogramQuantile, type LatencyHistogram } from '../../health/latency-histogram.js';
import { attemptChannel, requestChannel, type AttemptEvent, type RequestEvent } from '../../observability/channels.js';
import type { Clock } from '../../util/clock.js';

export const seriesBucketMs = 5_000;
export const seriesWindowMs = 15 * 60_000;

interface Bucket {
  start: number;
  requests: number;
  successes: number;
  failovers: number;
  hedges: number;
  latency: LatencyHistogram;
  timeToFirstToken: LatencyHistogram;
}

/** One chart's worth of points, oldest first; a figure is null where the bucket had no sample. */
export interface SeriesPoints {
  /** Bucket starts, in seconds since the epoch (what uPlot reads). */
  time: number[];
  requestsPerSecond: number[];
  successRate: (number | null)[];
  latencyP50Ms: (number | null)[];
  latencyP95Ms: (number | null)[];
  timeToFirstTokenP50Ms: (number | null)[];
  timeToFirstTokenP95Ms: (number | null)[];
  failovers: number[];
  hedges: number[];
}

export interface TrafficSeriesView {
  bucketMs: number;
  deployments: Record<string, SeriesPoints>;
  routes: Record<string, SeriesPoints>;
}

class BucketRing {
  private readonly buckets = new Map<number, Bucket>();

  at(start: number): Bucket {
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { start, requests: 0, successes: 0, failovers: 0, hedges: 0, latency: {}, timeToFirstToken: {} };
      this.buckets.set(start, bucket);
    }
    return bucket;
  }

  forget(before: number): void {
    for (const start of this.buckets.keys()) if (start < before) this.buckets.delete(start);
  }

  points(from: number, to: number): SeriesPoints {
    const points: SeriesPoints = {
      time: [],
      requestsPerSecond: [],
      successRate: [],
      latencyP50Ms: [],
      latencyP95Ms: [],
      timeToFirstTokenP50Ms: [],
      timeToFirstTokenP95Ms: [],
      failovers: [],
      hedges: [],
    };
    for (let start = from; start <= to; start += seriesBucketMs) {
      const bucket = this.buckets.get(start);
      points.time.push(start / 1000);
      points.requestsPerSecond.push(bucket ? bucket.requests / (seriesBucketMs / 1000) : 0);
      points.successRate.push(bucket && bucket.requests > 0 ? bucket.successes / bucket.requests : null);
      points.latencyP50Ms.push(bucket ? (histogramQuantile(bucket.latency, 0.5) ?? null) : null);
      points.latencyP95Ms.push(bucket ? (histogramQuantile(bucket.latency, 0.95) ?? null) : null);
      points.timeToFirstTokenP50Ms.push(bucket ? (histogramQuantile(bucket.timeToFirstToken, 0.5) ?? null) : null);
      points.timeToFirstTokenP95Ms.push(bucket ? (histogramQuantile(bucket.timeToFirstToken, 0.95) ?? null) : null);
      points.failovers.push(bucket?.failovers ?? 0);
      points.hedges.push(bucket?.hedges ?? 0);
    }
    return points;
  }
}

export class TrafficSeries {
  private readonly deployments = new Map<string, BucketRing>();
  private readonly routes = new Map<string, BucketRing>();
  private readonly onAttempt = (message: unknown) => this.recordAttempt(message as AttemptEvent);
  private readonly onRequest = (message: unknown) => this.recordRequest(message as RequestEvent);

  constructor(private readonly options: { clock: Clock; deployments: readonly string[]; routes: readonly string[] }) {
    for (const id of options.deployments) this.deployments.set(id, new BucketRing());
    for (const name of options.routes) this.routes.set(name, new BucketRing());
    diagnosticsChannel.subscribe(attemptChannel.name, this.onAttempt);
    diagnosticsChannel.subscribe(requestChannel.name, this.onRequest);
  }

  /**
   * A reload's deployments and routes: new ones get an empty series, removed ones are dropped, and
   * the ones kept keep what they have shown so far.
   */
  reconfigure(deployments: readonly string[], routes: readonly string[]): void {
    const resize = (rings: Map<string, BucketRing>, names: readonly string[]) => {
      const wanted = new Set(names);
      for (const name of [...rings.keys()]) if (!wanted.has(name)) rings.delete(name);
      for (const name of names) if (!rings.has(name)) rings.set(name, new BucketRing());
    };
    resize(this.deployments, deployments);
    resize(this.routes, routes);
  }

  close(): void {
    diagnosticsChannel.unsubscribe(attemptChannel.name, this.onAttempt);
    diagnosticsChannel.unsubscribe(requestChannel.name, this.onRequest);
  }

  recordAttempt(event: AttemptEvent): void {
    const start = this.currentBucketStart();
    const deployment = this.deployments.get(event.deployment)?.at(start);
    if (deployment) {
      deployment.requests += 1;
      if (event.kind === 'success') deployment.successes += 1;
      if (event.role === 'hedge') deployment.hedges += 1;
      addSample(deployment.latency, event.latencyMs);
      if (event.kind === 'success' && event.timeToFirstTokenMs !== undefined)
        addSample(deployment.timeToFirstToken, event.timeToFirstTokenMs);
    }
    const route = this.routes.get(event.route)?.at(start);
    if (route) {
      if (event.role === 'hedge') route.hedges += 1;
      if (event.kind === 'success' && event.timeToFirstTokenMs !== undefined)
        addSample(route.timeToFirstToken, event.timeToFirstTokenMs);
    }
  }

  recordRequest(event: RequestEvent): void {
    const start = this.currentBucketStart();
    const route = this.routes.get(event.route)?.at(start);
    if (route) {
      route.requests += 1;
      if (event.succeeded) route.successes += 1;
      if (event.failedOver) route.failovers += 1;
      addSample(route.latency, event.latencyMs);
    }
    // A failover is marked on the deployment that took the request over.
    if (event.failedOver && event.deployment) {
      const deployment = this.deployments.get(event.deployment)?.at(start);
      if (deployment) deployment.failovers += 1;
    }
  }

  /** The whole window, or only buckets from `sinceMs` on (the live stream sends the last few each tick). */
  view(sinceMs?: number): TrafficSeriesView {
    const to = this.currentBucketStart();
    const windowStart = to - seriesWindowMs + seriesBucketMs;
    const from = sinceMs === undefined ? windowStart : Math.max(windowStart, sinceMs - (sinceMs % seriesBucketMs));
    const deployments: Record<string, SeriesPoints> = {};
    const routes: Record<string, SeriesPoints> = {};
    for (const [id, ring] of this.deployments) {
      ring.forget(windowStart);
      deployments[id] = ring.points(from, to);
    }
    for (const [name, ring] of this.routes) {
      ring.forget(windowStart);
      routes[name] = ring.points(from, to);
    }
    return { bucketMs: seriesBucketMs, deployments, routes };
  }

  private currentBucketStart(): number {
    const now = this.options.clock.now();
    return now - (now % seriesBucketMs);
  }
}
