// Two replicas sharing one key store (the same database) and one Redis: a key created or revoked with
// the CLI is honoured by both within a second, and a key's requests-per-minute budget is one budget
// across both, not one each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { TestRedis } from '../support/redis-server.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { eventually } from './harness.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let redis: TestRedis;
let first: KeyedGateway;
let second: KeyedGateway;

beforeAll(async () => {
  redis = await TestRedis.start();
  const extra = {
    health: { enabled: true, probes: { enabled: false }, shared: { redisUrl: redis.url } },
  };
  // Real time, but starting a second into a minute, so the one-minute budget cannot roll over mid-test.
  const realStart = Date.now();
  const minuteStart = Math.floor(realStart / 60_000) * 60_000 + 1_000;
  const clock: Clock = { ...systemClock, now: () => minuteStart + (Date.now() - realStart) };
  first = await startKeyedGateway({ extra, clock });
  second = await startKeyedGateway({ extra, clock, shareWith: first });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await redis?.stop();
});

const ask = { model: 'sonnet', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Hello' }] };

async function cli(...args: string[]): Promise<string> {
  let printed = '';
  const code = await runKeysCommand([...args, '--config', first.configPath], {
    stdout: (text) => {
      printed += text;
    },
  });
  expect(code).toBe(0);
  return printed.trim();
}

const client = (replica: KeyedGateway, key: string) =>
  new Anthropic({ baseURL: replica.gateway.url, apiKey: key, maxRetries: 0 });

describe('replicas sharing keys and limits', () => {
  it('both honour a new key and both refuse it once revoked', async () => {
    const key = await cli('create', '--name', 'shared-team');
    for (const replica of [first, second]) {
      const ok = await eventually(
        () =>
          client(replica, key)
            .messages.create(ask)
            .then(
              () => true,
              () => false,
            ),
        (answered) => answered,
        50,
      );
      expect(ok).toBe(true);
    }
    await cli('revoke', 'shared-team');
    const revokedAt = Date.now();
    for (const replica of [first, second]) {
      const error = await eventually(
        () =>
          client(replica, key)
            .messages.create(ask)
            .then(
              () => undefined,
              (caught: unknown) => caught,
            ),
        (caught) => caught instanceof Anthropic.AuthenticationError,
        50,
      );
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    }
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it('shares one requests-per-minute budget between the replicas through Redis', async () => {
    const key = await cli('create', '--name', 'budget', '--rpm', '4');
    // Wait until both replicas know the key (that probe costs budget: count it).
    let spent = 0;
    for (const replica of [first, second]) {
      await eventually(
        () =>
          client(replica, key)
            .messages.create(ask)
            .then(
              () => true,
              () => false,
            ),
        (answered) => {
          if (answered) spent += 1;
          return answered;
        },
        50,
      );
    }
    const outcomes: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const replica = index % 2 === 0 ? first : second;
      outcomes.push(
        await client(replica, key)
          .messages.create(ask)
          .then(
            () => 'ok',
            (error: unknown) => (error instanceof Anthropic.RateLimitError ? 'limited' : String(error)),
          ),
      );
    }
    // Four in the minute across both replicas: per-replica counting would have allowed eight.
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBe(4 - spent);
    expect(outcomes.filter((outcome) => outcome === 'limited').length).toBe(6 - (4 - spent));
  });
});
