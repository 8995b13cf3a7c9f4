// One alert per incident transition across replicas that share health through Redis but not a
// database (each with its own SQLite file, so each has its own incident ids): before a sink sends,
// the replica claims `<sink>:<scope key>:<transition>:<n>` with SET NX; the replica that wins sends
// (and retries), the others count the alert as delivered. With a shared PostgreSQL store the outbox
// already does this; the claim then costs one round trip and changes nothing.
import { Redis } from 'ioredis';
import type { Alert } from './alert.js';
import type { AlertDelivery, AlertSink } from './alert-sink.js';
import type { DeliveryResult } from './post-json.js';

export interface AlertClaims {
  /** True when this replica is the one to send. Errors (Redis down) mean "send": better twice than never. */
  claim(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export function redisAlertClaims(redisUrl: string, options: { keyPrefix?: string; ttlMs?: number } = {}): AlertClaims {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'switchyard-alert-claims',
  });
  redis.on('error', () => {});
  const prefix = options.keyPrefix ?? 'switchyard:alerts';
  // Replicas see the same transition within seconds of each other (health is shared); the claim only
  // has to outlive that. A new incident on the same scope later gets a new claim.
  const ttlMs = options.ttlMs ?? 120_000;
  let connecting: Promise<void> | undefined;
  return {
    async claim(key) {
      try {
        if (redis.status === 'wait') connecting ??= redis.connect().catch(() => {});
        await connecting;
        const answer = await redis.set(`${prefix}:${key}`, '1', 'PX', ttlMs, 'NX');
        return answer === 'OK';
      } catch {
        return true;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

function claimKey(sink: AlertSink, alert: Alert): string {
  return `${sink.id}:${alert.incident.scopeKey}:${alert.transition}:${alert.sequence}`;
}

/** A sink that sends only when this replica holds the claim for the alert; retries keep the claim. */
export function claimedSink(sink: AlertSink, claims: AlertClaims): AlertSink {
  const won = new Set<string>();
  return {
    id: sink.id,
    type: sink.type,
    target: sink.target,
    ...(sink.retryWindowMs !== undefined ? { retryWindowMs: sink.retryWindowMs } : {}),
    async send(alert: Alert, delivery: AlertDelivery): Promise<DeliveryResult> {
      const key = claimKey(sink, alert);
      if (!won.has(key)) {
        // Another replica sends this one: count it as delivered here.
        if (!(await claims.claim(key))) return { ok: true, status: 200 };
        won.add(key);
      }
      return sink.send(alert, delivery);
    },
  };
}
