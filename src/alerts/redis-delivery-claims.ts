// Delivery claims in the Redis the replicas already share health through: SET NX on
// `<prefix>:<idempotency key>:<sink>`. The claim only has to outlive the few seconds in which replicas
// see the same transition; an alert of a later incident has another idempotency key.
import { Redis } from 'ioredis';
import type { DeliveryClaims } from './delivery-claims.js';

export function redisDeliveryClaims(
  redisUrl: string,
  options: { keyPrefix?: string; ttlMs?: number } = {},
): DeliveryClaims {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'switchyard-alert-claims',
  });
  // Errors surface as rejected claims; the client reconnects by itself.
  redis.on('error', () => {});
  const prefix = options.keyPrefix ?? 'switchyard:alerts';
  const ttlMs = options.ttlMs ?? 24 * 60 * 60_000;
  let connecting: Promise<void> | undefined;
  return {
    async claim(delivery) {
      if (redis.status === 'wait') connecting ??= redis.connect().catch(() => {});
      await connecting;
      const answer = await redis.set(
        `${prefix}:${delivery.idempotencyKey}:${delivery.sink}`,
        delivery.owner,
        'PX',
        ttlMs,
        'NX',
      );
      return answer === 'OK';
    },
    async close() {
      redis.disconnect();
    },
  };
}
