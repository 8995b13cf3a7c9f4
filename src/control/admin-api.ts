// The operator's endpoints on the gateway's own port: health as JSON, isolate / release a
// deployment, and Prometheus metrics. No business logic: each route calls one method.
import type { FastifyInstance } from 'fastify';
import type { HealthTracker } from '../health/health-tracker.js';
import type { Metrics } from './metrics.js';
import type { SwitchyardConfig } from '../config/schema.js';
import type { IncidentStore } from '../history/store/incident-store.js';
import { reportForConfig } from '../history/report/report-for-config.js';
import { incidentsWithTimeline } from '../history/report/incident-timeline.js';
import { formatReport } from '../history/report/format-report.js';
import { parseReportFormat, parseSince } from '../history/report/parse-since.js';
import type { Clock } from '../util/clock.js';

export interface AdminOptions {
  tracker?: HealthTracker;
  metrics?: Metrics;
  /** Incident and availability history, when a store is configured. */
  history?: { store: IncidentStore; config: SwitchyardConfig; clock: Clock; beforeReport?: () => Promise<unknown> };
  /** Extra figures for /admin/health (probes sent, shared-state connection). */
  extra?: () => Record<string, unknown>;
  /** Reads and applies the config file again (POST /admin/reload). */
  reload?: () => { applied: true } | { applied: false; reason: string };
}

/** Longest isolate reason kept: it is stored, alerted and shown on the dashboard. */
export const isolateReasonLimit = 500;

function unknownDeployment(id: string) {
  return { error: { type: 'not_found_error', message: `no deployment "${id}"` } };
}

export function registerAdminRoutes(app: FastifyInstance, options: AdminOptions): void {
  const { tracker, metrics } = options;

  app.get('/admin/health', async (_request, reply) => {
    if (!tracker)
      return reply
        .code(404)
        .send({ error: { type: 'not_found_error', message: 'health tracking is disabled (health.enabled: false)' } });
    return { ...tracker.snapshot(), ...options.extra?.() };
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } | undefined }>(
    '/admin/deployments/:id/isolate',
    async (request, reply) => {
      if (!tracker?.has(request.params.id)) return reply.code(404).send(unknownDeployment(request.params.id));
      const given = request.body?.reason;
      if (given !== undefined && typeof given !== 'string')
        return reply.code(400).send({ error: { type: 'invalid_request_error', message: 'reason: expected a string' } });
      if (given !== undefined && given.length > isolateReasonLimit)
        return reply.code(400).send({
          error: {
            type: 'invalid_request_error',
            message: `reason: at most ${isolateReasonLimit} characters, got ${given.length}`,
          },
        });
      const reason = given ?? 'isolated by an operator';
      tracker.isolate(request.params.id, reason);
      return tracker.snapshot().deployments.find((deployment) => deployment.id === request.params.id);
    },
  );

  app.post<{ Params: { id: string } }>('/admin/deployments/:id/release', async (request, reply) => {
    if (!tracker?.has(request.params.id)) return reply.code(404).send(unknownDeployment(request.params.id));
    tracker.release(request.params.id);
    return tracker.snapshot().deployments.find((deployment) => deployment.id === request.params.id);
  });

  const reload = options.reload;
  if (reload) {
    // A refused reload is the operator's config at fault: 422 with the reason; the running config stays.
    app.post('/admin/reload', async (_request, reply) => {
      const result = reload();
      if (result.applied) return result;
      return reply.code(422).send({ error: { type: 'invalid_request_error', message: result.reason } });
    });
  }

  const noHistory = { error: { type: 'not_found_error', message: 'no incident store is configured (store: false)' } };
  app.get<{ Querystring: { since?: string; limit?: string } }>('/admin/incidents', async (request, reply) => {
    const history = options.history;
    if (!history) return reply.code(404).send(noHistory);
    try {
      const now = history.clock.now();
      const since = parseSince(request.query.since ?? '24h', now);
      const limit = request.query.limit ? Number.parseInt(request.query.limit, 10) : 100;
      return { incidents: await incidentsWithTimeline(history.store, { since, now, limit }) };
    } catch (error) {
      return reply.code(400).send({
        error: { type: 'invalid_request_error', message: error instanceof Error ? error.message : String(error) },
      });
    }
  });

  app.get<{ Querystring: { since?: string; format?: string } }>('/admin/report', async (request, reply) => {
    const history = options.history;
    if (!history) return reply.code(404).send(noHistory);
    try {
      const now = history.clock.now();
      const since = parseSince(request.query.since ?? '24h', now);
      const format = parseReportFormat(request.query.format ?? 'json');
      await history.beforeReport?.();
      const report = await reportForConfig(history.store, history.config, { since, now });
      if (format === 'json') return report;
      return reply
        .header('content-type', format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8')
        .send(formatReport(report, format));
    } catch (error) {
      return reply.code(400).send({
        error: { type: 'invalid_request_error', message: error instanceof Error ? error.message : String(error) },
      });
    }
  });

  if (metrics) {
    app.get('/metrics', async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    });
  }
}
