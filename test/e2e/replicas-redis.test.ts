// Two gateway replicas sharing health through a real redis-server: an ejection decided on one is
// applied by the other, which then stops sending traffic to the dead deployment too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { TestRedis } from '../support/redis-server.js';
import { eventually } from './harness.js';
import { claudeThenGpt, startReplicas } from './replica-fleet.js';

let redis: TestRedis;
let simulator: RunningSimulator;
let replicas: RunningGateway[];

beforeAll(async () => {
  redis = await TestRedis.start();
  simulator = await startSimulator({ port: 0, seed: 3 });
  replicas = await startReplicas(['replica-1', 'replica-2'], () => ({
    ...claudeThenGpt(simulator.url),
    store: false,
    timeouts: { requestMs: 10_000, connectMs: 1_000, firstTokenMs: 2_000 },
    health: {
      defaults: { baseEjectionMs: 5_000 },
      probes: { intervalMs: 200, timeoutMs: 1_000 },
      shared: { redisUrl: redis.url },
    },
  }));
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await simulator.close();
  await redis.stop();
});

const stateOn = async (replica: RunningGateway) =>
  (
    (await (await fetch(`${replica.url}/admin/health`)).json()) as {
      deployments: Array<{ id: string; state: string }>;
      sharedState: string;
    }
  ).deployments.find((deployment) => deployment.id === 'claude-a')!.state;

describe('replicas sharing health through Redis', () => {
  it('applies an ejection decided on one replica on the other', async () => {
    const [first, second] = replicas as [RunningGateway, RunningGateway];
    expect(((await (await fetch(`${first.url}/admin/health`)).json()) as { sharedState: string }).sharedState).toBe(
      'connected',
    );
    const client = new Anthropic({ baseURL: first.url, apiKey: 'client', maxRetries: 0 });
    const ask = { model: 'sonnet', max_tokens: 30, messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (let index = 0; index < 20; index += 1) await client.messages.create(ask);

    await fetch(`${simulator.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'claude-a', kind: 'error', status: 503 }),
    });
    for (let index = 0; index < 10; index += 1) await client.messages.create(ask);
    const onFirst = await eventually(
      () => stateOn(first),
      (state) => state === 'ejected' || state === 'probing',
      200,
    );
    expect(['ejected', 'probing']).toContain(onFirst);
    // The second replica saw no traffic at all, yet knows.
    const onSecond = await eventually(
      () => stateOn(second),
      (state) => state === 'ejected' || state === 'probing',
      100,
    );
    expect(['ejected', 'probing']).toContain(onSecond);

    const before = (
      (await (await fetch(`${simulator.url}/_sim/stats`)).json()) as { upstreams: Record<string, { requests: number }> }
    ).upstreams['claude-a']!.requests;
    const secondClient = new Anthropic({ baseURL: second.url, apiKey: 'client', maxRetries: 0 });
    const { response } = await secondClient.messages.create(ask).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('gpt-b');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    const after = (
      (await (await fetch(`${simulator.url}/_sim/stats`)).json()) as { upstreams: Record<string, { requests: number }> }
    ).upstreams['claude-a']!.requests;
    // Only probes (at most a couple in that instant) may have reached the dead deployment.
    expect(after - before).toBeLessThanOrEqual(2);
  });
});
