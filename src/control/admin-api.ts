// The operator's endpoints on the gateway's own port: health as JSON, isolate / release a
// deployment, and Prometheus metrics. No business logic: each route calls one method.
import type { FastifyInstance } from 'fastify';
import type { HealthTracker } from '../health/health-tracker.js';
import type { Metrics } from './metrics.js';

export interface AdminOptions {
  tracker?: HealthTracker;
  metrics?: Metrics;
  /** Extra figures for /admin/health (probes sent, shared-state connection). */
  extra?: () => Record<string, unknown>;
}

function unknownDeployment(id: string) {
  return { error: { type: 'not_found_error', message: `no deployment "${id}"` } };
}

export function registerAdminRoutes(app: FastifyInstance, options: AdminOptions): void {
  const { tracker, metrics } = options;

  app.get('/admin/health', async (_request, reply) => {
    if (!tracker) return reply.code(404).send({ error: { type: 'not_found_error', message: 'health tracking is disabled (health.enabled: false)' } });
    return { ...tracker.snapshot(), ...options.extra?.() };
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } | undefined }>('/admin/deployments/:id/isolate', async (request, reply) => {
    if (!tracker || !tracker.has(request.params.id)) return reply.code(404).send(unknownDeployment(request.params.id));
    const reason = typeof request.body?.reason === 'string' ? request.body.reason : 'isolated by an operator';
    tracker.isolate(request.params.id, reason);
    return tracker.snapshot().deployments.find((deployment) => deployment.id === request.params.id);
  });

  app.post<{ Params: { id: string } }>('/admin/deployments/:id/release', async (request, reply) => {
    if (!tracker || !tracker.has(request.params.id)) return reply.code(404).send(unknownDeployment(request.params.id));
    tracker.release(request.params.id);
    return tracker.snapshot().deployments.find((deployment) => deployment.id === request.params.id);
  });

  if (metrics) {
    app.get('/metrics', async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    });
  }
}
