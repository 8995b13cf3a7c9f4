// The admin surface on its own listener (server.adminPort, e.g. on a private interface): /admin/*,
// /dashboard and /metrics with the same admin credential, Host and cross-site rules as on the client
// port, which then no longer serves them. Nothing of the client API is reachable here.
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { AdminCredential } from '../control/admin-credential.js';
import { registerAuthentication } from './authenticate.js';
import type { Logger } from './logger.js';

export function createAdminApp(options: { logger: Logger; admin: AdminCredential }) {
  const app = Fastify({
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: options.logger as FastifyBaseLogger,
    requestIdHeader: false,
    return503OnClosing: true,
  });
  // Only the admin surface is checked here; any other path is simply not an endpoint of this port.
  registerAuthentication(app, { admin: options.admin, maxConcurrentRequests: 256, inFlight: { count: 0 } });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        type: 'not_found_error',
        message: `${request.method} ${request.url.split('?')[0]} is not an endpoint of the admin port`,
      },
    }),
  );
  app.get('/livez', async () => ({ ok: true }));
  return app;
}
