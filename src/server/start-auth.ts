// Builds what authentication needs from the config: the key registry (config keys plus the store's,
// refreshed), the per-key limiter (shared through Redis when health.shared names one), and the admin
// credential. Without `auth`, clients are not checked and the admin surface is open (loopback only:
// the config loader refuses any other host without `auth`).
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { SwitchyardConfig } from '../config/schema.js';
import { isLoopbackHost } from '../config/validate-references.js';
import { AdminCredential } from '../control/admin-credential.js';
import { KeyLimiter } from '../keys/key-limiter.js';
import { KeyRegistry } from '../keys/key-registry.js';
import type { KeyStore } from '../keys/key-store.js';
import { openKeyStore } from '../keys/open-key-store.js';
import type { Clock } from '../util/clock.js';
import type { AuthenticateOptions } from './authenticate.js';
import type { Logger } from './logger.js';

export interface RunningAuth {
  authentication: AuthenticateOptions;
  /** The admin credential of wherever the admin surface listens (its own port, or the client port). */
  admin: AdminCredential;
  registry?: KeyRegistry;
  close(): Promise<void>;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** The admin credential for a surface bound to `host`: the Host names it answers to, loopback-only or not. */
function adminCredentialFor(host: string, auth: SwitchyardConfig['auth'], clock: Clock): AdminCredential {
  const loopback = isLoopbackHost(host);
  const allowedHosts =
    loopback || (auth?.allowedHosts.length ?? 0) > 0
      ? [...loopbackNames, host.toLowerCase(), ...(auth?.allowedHosts ?? []).map((name) => name.toLowerCase())]
      : [];
  return new AdminCredential({
    ...(auth?.adminToken ? { adminToken: auth.adminToken } : {}),
    loopbackOnly: loopback,
    allowedHosts,
    clock,
  });
}

export async function startAuth(config: SwitchyardConfig, clock: Clock, logger: Logger): Promise<RunningAuth> {
  const auth = config.auth;
  const { server } = config;
  const adminElsewhere = server.adminPort !== undefined;
  const admin = adminCredentialFor(adminElsewhere ? (server.adminHost ?? server.host) : server.host, auth, clock);
  const maxConcurrentRequests = server.maxConcurrentRequests;
  const inFlight = { count: 0 };
  const base = { admin, maxConcurrentRequests, inFlight, ...(adminElsewhere ? { adminElsewhere } : {}) };
  if (auth?.clients !== 'keys') {
    return { authentication: base, admin, close: async () => {} };
  }

  let store: KeyStore | undefined;
  try {
    store = await openKeyStore(config.store);
  } catch (error) {
    // Keys declared in the config still work; the store's keys come back when it does (next start).
    logger.error({ error: (error as Error).message }, 'gateway key store unavailable; only keys from the config work');
  }
  const registry = new KeyRegistry({ auth, ...(store ? { store } : {}), clock, logger });
  await registry.start();

  let redis: Redis | undefined;
  let closeRedis = async () => {};
  const shared = config.health.shared;
  if (shared) {
    // Loaded only here: a gateway that does not share health never loads ioredis.
    const { openRedisConnection, closeRedisConnection } = await import('../health/shared/redis-connection.js');
    const connection = openRedisConnection(shared.redisUrl, 'switchyard-key-limits');
    redis = connection;
    closeRedis = () => closeRedisConnection(connection);
    redis.on('error', () => {});
    await redis.connect().catch((error: unknown) => {
      logger.warn(
        { error: (error as Error).message },
        'key limits not shared: Redis unreachable; counting per replica',
      );
    });
  }
  const limiter = new KeyLimiter({
    clock,
    ...(redis ? { redis, redisPrefix: `${shared?.keyPrefix ?? 'switchyard'}:limits` } : {}),
  });
  return {
    authentication: { ...base, clients: { registry, limiter } },
    admin,
    registry,
    async close() {
      registry.close();
      await store?.close();
      await closeRedis();
    },
  };
}

/** Dashboard sign-in: POST with the admin token sets the session cookie; DELETE ends it. */
export function registerAdminSession(app: FastifyInstance, admin: AdminCredential): void {
  app.post('/admin/session', async (request, reply) => {
    if (!admin.tokenConfigured)
      return reply.code(404).send({ error: { type: 'not_found_error', message: 'no admin token is configured' } });
    const secure = request.headers['x-forwarded-proto'] === 'https';
    return reply.header('set-cookie', admin.openSession(secure)).send({ ok: true });
  });
  app.delete('/admin/session', async (request, reply) =>
    reply.header('set-cookie', admin.closeSession(request)).send({ ok: true }),
  );
}
