// Prometheus metrics, fed by the diagnostics channels the request path publishes on and by the
// health tracker's snapshot at scrape time. Labels never carry keys or request content.
import { skippedEventChannel, type SkippedEvent } from '../observability/skipped-events.js';
import diagnosticsChannel from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptEvent, RequestEvent } from '../observability/channels.js';
import { attemptChannel, requestChannel } from '../observability/channels.js';
import { deploymentStates } from '../health/deployment-state.js';
import type { HealthSnapshot } from '../health/health-snapshot.js';
import type { StoreHealth } from '../history/store/store-health.js';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics {
  registry: Registry;
  /** Stops listening to the channels. */
  close(): void;
}

export function createMetrics(
  options: {
    health?: () => HealthSnapshot;
    store?: () => StoreHealth;
    /** Bytes waiting in slow clients' socket buffers. */
    clientBufferedBytes?: () => number;
    /** Milliseconds the gateway's event loop has been stalled (util/loop-stalls.ts). */
    loopStalledMs?: () => number;
    /** Request-body bytes held now, the cap, and requests refused at the cap (server.bodyMemoryBytes). */
    bodyMemory?: () => { heldBytes: number; limitBytes: number; refused: number };
    defaultMetrics?: boolean;
  } = {},
): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });

  const requests = new Counter({
    name: 'switchyard_requests_total',
    help: 'Client requests by route, client format and outcome (as the client saw it).',
    labelNames: ['route', 'format', 'stream', 'outcome', 'status'] as const,
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'switchyard_failovers_total',
    help: 'Client requests that were tried on more than one deployment.',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const requestLatency = new Histogram({
    name: 'switchyard_request_duration_seconds',
    help: 'Time from request to the answer (JSON) or to the end of the stream.',
    labelNames: ['route', 'stream'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'switchyard_attempts_total',
    help: 'Attempts by route, deployment and outcome kind.',
    labelNames: ['route', 'deployment', 'provider', 'kind'] as const,
    registers: [registry],
  });
  const attemptLatency = new Histogram({
    name: 'switchyard_attempt_duration_seconds',
    help: 'Attempt duration by deployment.',
    labelNames: ['deployment'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const timeToFirstToken = new Histogram({
    name: 'switchyard_time_to_first_token_seconds',
    help: 'Time from the request leaving on a connection to the first content (streams) or the whole answer.',
    labelNames: ['deployment'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  // The gateway's own share of an attempt: time before its request left on a connection (a pool at its
  // cap, a busy event loop). Never charged to the deployment; the loop's own delay is
  // switchyard_nodejs_eventloop_lag_* (default metrics).
  const connectionWait = new Histogram({
    name: 'switchyard_upstream_connection_wait_seconds',
    help: 'Time an attempt waited for an upstream connection (or the gateway event loop) before its request left.',
    labelNames: ['deployment'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [registry],
  });
  const hedges = new Counter({
    name: 'switchyard_hedges_total',
    help: 'Hedge attempts by route and deployment: won (answered first), lost (abandoned), failed.',
    labelNames: ['route', 'deployment', 'result'] as const,
    registers: [registry],
  });
  const continuations = new Counter({
    name: 'switchyard_continuations_total',
    help: 'Broken streams continued on another deployment, by route, deployment and outcome kind.',
    labelNames: ['route', 'deployment', 'kind'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'switchyard_tokens_total',
    help: 'Tokens by deployment and kind (input, output, cache_read, cache_write).',
    labelNames: ['deployment', 'kind'] as const,
    registers: [registry],
  });
  // Key names come from the config and the key store (operators create them), never from requests.
  const keyRequests = new Counter({
    name: 'switchyard_key_requests_total',
    help: 'Client requests by gateway key name and outcome.',
    labelNames: ['key', 'outcome'] as const,
    registers: [registry],
  });
  const keyTokens = new Counter({
    name: 'switchyard_key_tokens_total',
    help: 'Tokens by gateway key name and kind (input, output).',
    labelNames: ['key', 'kind'] as const,
    registers: [registry],
  });
  const keyFailovers = new Counter({
    name: 'switchyard_key_failovers_total',
    help: 'Requests of a gateway key that were tried on more than one deployment.',
    labelNames: ['key'] as const,
    registers: [registry],
  });
  const health = options.health;
  new Gauge({
    name: 'switchyard_deployment_state',
    help: 'Health state of each deployment: 1 for its current state, 0 for the others.',
    labelNames: ['deployment', 'state'] as const,
    registers: [registry],
    collect() {
      if (!health) return;
      this.reset();
      for (const deployment of health().deployments) {
        for (const state of deploymentStates)
          this.set({ deployment: deployment.id, state }, deployment.state === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'switchyard_domain_degraded',
    help: 'Failure domains: 1 while degraded.',
    labelNames: ['domain'] as const,
    registers: [registry],
    collect() {
      if (!health) return;
      this.reset();
      for (const domain of health().domains) this.set({ domain: domain.name }, domain.state === 'degraded' ? 1 : 0);
    },
  });

  // Figures read from the running parts at scrape time: a gauge set to the value, or a counter whose
  // total the part keeps itself.
  const collectedGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const collectedTotal = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const loopStalledMs = options.loopStalledMs;
  if (loopStalledMs) {
    collectedTotal(
      'switchyard_event_loop_stalled_seconds_total',
      'Time the gateway event loop could not run (beyond ordinary jitter): never charged to a deployment.',
      () => loopStalledMs() / 1000,
    );
  }
  const clientBufferedBytes = options.clientBufferedBytes;
  if (clientBufferedBytes) {
    collectedGauge(
      'switchyard_client_buffered_bytes',
      'Bytes of answers waiting in the socket buffers of clients that read slowly.',
      clientBufferedBytes,
    );
  }
  const bodyMemory = options.bodyMemory;
  if (bodyMemory) {
    collectedGauge(
      'switchyard_request_body_bytes_held',
      'Bytes of request bodies held now, across every request in flight (capped by server.bodyMemoryBytes).',
      () => bodyMemory().heldBytes,
    );
    collectedGauge(
      'switchyard_request_body_bytes_limit',
      'The cap on request-body bytes held at once (server.bodyMemoryBytes).',
      () => bodyMemory().limitBytes,
    );
    collectedTotal(
      'switchyard_request_body_memory_refusals_total',
      'Requests refused with 503 because their body would have passed server.bodyMemoryBytes.',
      () => bodyMemory().refused,
    );
  }
  const store = options.store;
  if (store) {
    collectedGauge('switchyard_store_writable', 'The history store takes writes (1) or not (0).', () =>
      store().writable ? 1 : 0,
    );
    collectedGauge(
      'switchyard_store_lag_seconds',
      'How long rows have waited for the history store (0 when none wait).',
      () => store().lagMs / 1000,
    );
    collectedGauge(
      'switchyard_store_rows_waiting',
      'Rows held in memory until the history store takes them.',
      () => store().rowsWaiting,
    );
    collectedGauge(
      'switchyard_store_recreated',
      'Times the SQLite file vanished and was created again.',
      () => store().recreated,
    );
  }

  const onAttempt = (message: unknown) => {
    const event = message as AttemptEvent;
    attempts.inc({ route: event.route, deployment: event.deployment, provider: event.provider, kind: event.kind });
    attemptLatency.observe({ deployment: event.deployment }, event.latencyMs / 1000);
    connectionWait.observe({ deployment: event.deployment }, (event.connectionWaitMs ?? 0) / 1000);
    if (event.role === 'hedge') {
      const result = event.kind === 'success' ? 'won' : event.kind === 'abandoned' ? 'lost' : 'failed';
      hedges.inc({ route: event.route, deployment: event.deployment, result });
    }
    if (event.role === 'continuation') {
      continuations.inc({ route: event.route, deployment: event.deployment, kind: event.kind });
    }
    if (event.kind === 'success' && event.timeToFirstTokenMs !== undefined) {
      timeToFirstToken.observe({ deployment: event.deployment }, event.timeToFirstTokenMs / 1000);
    }
  };
  const onRequest = (message: unknown) => {
    const event = message as RequestEvent;
    const stream = String(event.stream);
    requests.inc({
      route: event.route,
      format: event.format,
      stream,
      outcome: event.succeeded ? 'success' : 'failure',
      status: String(event.status),
    });
    requestLatency.observe({ route: event.route, stream }, event.latencyMs / 1000);
    if (event.failedOver) failovers.inc({ route: event.route });
    if (event.key !== undefined) {
      keyRequests.inc({ key: event.key, outcome: event.succeeded ? 'success' : 'failure' });
      if (event.failedOver) keyFailovers.inc({ key: event.key });
      if (event.usage) {
        keyTokens.inc({ key: event.key, kind: 'input' }, event.usage.inputTokens);
        keyTokens.inc({ key: event.key, kind: 'output' }, event.usage.outputTokens);
      }
    }
    if (event.usage && event.deployment) {
      tokens.inc({ deployment: event.deployment, kind: 'input' }, event.usage.inputTokens);
      tokens.inc({ deployment: event.deployment, kind: 'output' }, event.usage.outputTokens);
      tokens.inc({ deployment: event.deployment, kind: 'cache_read' }, event.usage.cacheReadTokens);
      tokens.inc({ deployment: event.deployment, kind: 'cache_write' }, event.usage.cacheWriteTokens);
    }
  };
  const skippedEvents = new Counter({
    name: 'switchyard_skipped_upstream_events_total',
    help: 'Upstream stream events that could not be parsed and were skipped (never forwarded), by provider.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const onSkippedEvent = (message: unknown) => skippedEvents.inc({ provider: (message as SkippedEvent).provider });
  diagnosticsChannel.subscribe(attemptChannel.name, onAttempt);
  diagnosticsChannel.subscribe(requestChannel.name, onRequest);
  diagnosticsChannel.subscribe(skippedEventChannel.name, onSkippedEvent);
  return {
    registry,
    close() {
      diagnosticsChannel.unsubscribe(attemptChannel.name, onAttempt);
      diagnosticsChannel.unsubscribe(requestChannel.name, onRequest);
      diagnosticsChannel.unsubscribe(skippedEventChannel.name, onSkippedEvent);
    },
  };
}
