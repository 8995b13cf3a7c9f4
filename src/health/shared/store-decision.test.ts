import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis } from '../../../test/support/redis-server.js';
import { sharedHealthKeys } from './shared-health-keys.js';
import { parseDecision, type SharedDecision } from './shared-health-messages.js';
import { storeDecision } from './store-decision.js';

let redis: TestRedis;
let connection: Redis;
let listener: Redis;

beforeAll(async () => {
  redis = await TestRedis.start();
  connection = new Redis(redis.url);
  listener = new Redis(redis.url);
});

afterAll(async () => {
  connection.disconnect();
  listener.disconnect();
  await redis.stop();
});

describe('storeDecision', () => {
  it('stores and publishes a decision, and never replaces a newer one with an older one', async () => {
    const keys = sharedHealthKeys('test:store');
    const published: string[] = [];
    listener.on('message', (_channel: string, message: string) => published.push(message));
    await listener.subscribe(keys.state);
    const decision = (to: SharedDecision['to'], at: number): SharedDecision => ({
      replica: 'a',
      id: 'claude',
      to,
      reason: to,
      at,
    });

    expect(await storeDecision(connection, keys, decision('ejected', 2_000))).toBe(true);
    // Written late (after an outage, or a slower replica): older than the stored one, so dropped.
    expect(await storeDecision(connection, keys, decision('healthy', 1_000))).toBe(false);
    expect(await storeDecision(connection, keys, decision('probing', 2_000))).toBe(true);
    expect(await storeDecision(connection, keys, decision('healthy', 3_000))).toBe(true);

    expect(parseDecision((await connection.hget(keys.states, 'claude'))!)).toMatchObject({ to: 'healthy', at: 3_000 });
    for (let attempt = 0; attempt < 1_000 && published.length < 3; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 2));
    expect(published.map((message) => parseDecision(message)?.to)).toEqual(['ejected', 'probing', 'healthy']);
  });
});
