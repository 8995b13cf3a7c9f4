// Incident identities agreed through Redis, for replicas that share health through it: the first
// replica to name an open scope's incident wins (SET NX), the others adopt its name. Its own module so
// that ioredis is loaded only by a gateway configured with shared health.
import { Redis } from 'ioredis';
import type { IncidentIdentities } from './incident-identity.js';

/** Replicas that share health through Redis: SET NX on the scope key while the incident is open. */
export function redisIncidentIdentities(
  redisUrl: string,
  options: { keyPrefix?: string; ttlMs?: number } = {},
): IncidentIdentities {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'switchyard-incident-identities',
  });
  redis.on('error', () => {});
  const prefix = options.keyPrefix ?? 'switchyard:incidents';
  // Released on resolution; the expiry only bounds a key left by a replica that died with it open.
  const ttlMs = options.ttlMs ?? 6 * 60 * 60_000;
  let connecting: Promise<void> | undefined;
  const connected = async () => {
    if (redis.status === 'wait') connecting ??= redis.connect().catch(() => {});
    await connecting;
  };
  return {
    async agree(incident) {
      try {
        await connected();
        const key = `${prefix}:open:${incident.scopeKey}`;
        if ((await redis.set(key, incident.id, 'PX', ttlMs, 'NX')) === 'OK') return incident.id;
        return (await redis.get(key)) ?? incident.id;
      } catch {
        return incident.id;
      }
    },
    async release(incident) {
      try {
        await connected();
        const key = `${prefix}:open:${incident.scopeKey}`;
        if ((await redis.get(key)) === incident.id) await redis.del(key);
      } catch {
        // The expiry cleans it up.
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
