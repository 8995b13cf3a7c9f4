// Two replicas that share health through a real redis-server but keep their own SQLite history:
// both see the ejection and open an incident, yet the webhook gets one alert per transition.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { startAlertReceiver, type AlertReceiver } from '../../src/alerts/alert-receiver.js';
import { TestRedis } from '../support/redis-server.js';
import { eventually } from './harness.js';
import { claudeThenGpt, ejectionSharedThrough, startReplicas } from './replica-fleet.js';

let redis: TestRedis;
let simulator: RunningSimulator;
let receiver: AlertReceiver;
let folder: string;
let replicas: RunningGateway[];

beforeAll(async () => {
  redis = await TestRedis.start();
  simulator = await startSimulator({ port: 0, seed: 13 });
  receiver = await startAlertReceiver();
  folder = mkdtempSync(join(tmpdir(), 'switchyard-replica-alerts-'));
  replicas = await startReplicas(['one', 'two'], (name) => ({
    ...claudeThenGpt(simulator.url),
    health: ejectionSharedThrough(redis.url),
    store: { path: join(folder, `${name}.db`) },
    alerts: [{ type: 'webhook', url: `${receiver.url}/hook`, secret: 's' }],
    incidents: { gracePeriodMs: 1_000, resolvePeriodMs: 1_000 },
  }));
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await receiver.close();
  await simulator.close();
  await redis.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('alerts across replicas sharing Redis', () => {
  it('sends one alert per transition although both replicas open the incident', async () => {
    const clients = replicas.map((replica) => new Anthropic({ baseURL: replica.url, apiKey: 'c', maxRetries: 0 }));
    const ask = { model: 'sonnet', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (let index = 0; index < 20; index += 1) await clients[index % 2]!.messages.create(ask);
    await fetch(`${simulator.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'down', target: 'claude-a', kind: 'error', status: 503 }),
    });
    for (let index = 0; index < 12; index += 1) await clients[index % 2]!.messages.create(ask);
    await receiver.waitFor(1);
    // Both replicas know an incident is open (each in its own store).
    for (const replica of replicas) {
      const list = await eventually(
        async () =>
          ((await (await fetch(`${replica.url}/admin/incidents?since=1h`)).json()) as { incidents: unknown[] })
            .incidents,
        (incidents) => incidents.length > 0,
        100,
      );
      expect(list.length).toBeGreaterThan(0);
    }
    await fetch(`${simulator.url}/_sim/faults/down`, { method: 'DELETE' });
    const transitions = () => receiver.received.map((alert) => (alert.body as { transition: string }).transition);
    await eventually(
      async () => transitions(),
      (list) => list.includes('resolved'),
      300,
    );
    // Give a second replica every chance to send a duplicate before counting.
    await eventually(
      async () => transitions(),
      () => false,
      10,
    );
    expect(transitions().filter((transition) => transition === 'opened')).toHaveLength(1);
    expect(transitions().filter((transition) => transition === 'resolved')).toHaveLength(1);
  });
});
