// Two replicas on one real PostgreSQL, sharing health through a real Redis, with a webhook receiver.
// PostgreSQL is stopped (an immediate shutdown, like a crash) and a deployment goes hard down and
// recovers while it is away; then PostgreSQL is started again. Clients are served throughout, the
// opened and resolved alerts go out during the outage, one idempotency key per transition however many
// replicas saw it, the incident is in the store (and on both replicas' /admin/incidents) once it is
// back, and each replica logs the outage once when it starts and once when it ends.
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertReceiver, startAlertReceiver } from '../../src/alerts/alert-receiver.js';
import type { WebhookBody } from '../../src/alerts/webhook-sink.js';
import type { RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/simulator.js';
import { TestPostgres } from '../support/postgres-server.js';
import { TestRedis } from '../support/redis-server.js';
import { eventually } from './harness.js';
import { claudeThenGpt, ejectionSharedThrough, startReplicas } from './replica-fleet.js';

let postgres: TestPostgres;
let redis: TestRedis;
let simulator: RunningSimulator;
let receiver: AlertReceiver;
let replicas: RunningGateway[];
const logLines = new Map<string, string[]>();
/** Whole log lines, for the failure message: what each replica's store writes did. */
const rawLines: string[] = [];

/** A pino destination that keeps each line's message. */
function captured(name: string): Writable {
  const lines: string[] = [];
  logLines.set(name, lines);
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(String(JSON.parse(line).msg));
        rawLines.push(`${name} ${line}`);
      }
      done();
    },
  });
}

/** What a failed assertion should say about the store writes. */
function diagnosis(): string {
  const pending = replicas.map((replica) => `${replica.url}: ${replica.history.incidents?.recorder.pending} unwritten`);
  const store = rawLines.filter((line) => /store|incident write/.test(line)).slice(-40);
  return [...pending, ...store].join('\n');
}

beforeAll(async () => {
  postgres = await TestPostgres.start();
  const admin = new pg.Pool({ connectionString: postgres.url, max: 1 });
  await admin.query('CREATE DATABASE store_outage');
  await admin.end();
  redis = await TestRedis.start();
  simulator = await startSimulator({ port: 0, seed: 31 });
  receiver = await startAlertReceiver();
  replicas = await startReplicas(
    ['one', 'two'],
    () => ({
      ...claudeThenGpt(simulator.url),
      health: ejectionSharedThrough(redis.url),
      store: { url: postgres.url.replace(/\/postgres$/, '/store_outage') },
      alerts: [{ type: 'webhook', url: `${receiver.url}/hook`, secret: 's' }],
      incidents: { gracePeriodMs: 1_000, resolvePeriodMs: 1_000 },
    }),
    (name) => createLogger('debug', captured(name)),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all((replicas ?? []).map((replica) => replica.close()));
  await receiver?.close();
  await simulator?.close();
  await redis?.stop();
  await postgres?.destroy();
});

type Listed = { incidents: Array<{ id: string; key: string; status: string }> };

describe('two replicas on PostgreSQL, PostgreSQL stopped during an incident', () => {
  it('alerts during the outage under one key per transition, and stores the incident once it is back', async () => {
    const clients = replicas.map((replica) => new Anthropic({ baseURL: replica.url, apiKey: 'c', maxRetries: 0 }));
    const ask = { model: 'sonnet', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (let index = 0; index < 10; index += 1) await clients[index % 2]!.messages.create(ask);

    await postgres.stop();
    await fetch(`${simulator.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'down', target: 'claude-a', kind: 'error', status: 503 }),
    });
    // Every client request is served (by gpt-b once claude-a fails) while the store is away.
    for (let index = 0; index < 12; index += 1) {
      const answer = await clients[index % 2]!.messages.create(ask);
      expect(answer.content.length).toBeGreaterThan(0);
    }
    await receiver.waitFor(1);
    await fetch(`${simulator.url}/_sim/faults/down`, { method: 'DELETE' });
    const transitions = () => receiver.received.map((alert) => (alert.body as WebhookBody).transition);
    await eventually(
      async () => transitions(),
      (list) => list.includes('resolved'),
      500,
    );
    // Both alerts went out before the store came back.
    expect(transitions()).toEqual(expect.arrayContaining(['opened', 'resolved']));

    await postgres.resume();
    const stored = async (replica: RunningGateway) =>
      ((await (await fetch(`${replica.url}/admin/incidents?since=1h`)).json()) as Listed).incidents;
    for (const replica of replicas) {
      const incidents = await eventually(
        () => stored(replica),
        (list) => list.some((incident) => incident.status === 'resolved'),
        1_500,
      );
      expect(
        incidents.map((incident) => [incident.key, incident.status]),
        diagnosis(),
      ).toEqual([['claude-a', 'resolved']]);
    }
    // Give a replica every chance to send a late duplicate under another key before counting.
    await eventually(
      async () => transitions(),
      () => false,
      10,
    );
    const [incident] = await stored(replicas[0]!);
    const keysByTransition = new Map<string, Set<string>>();
    for (const alert of receiver.received) {
      const body = alert.body as WebhookBody;
      const keys = keysByTransition.get(body.transition) ?? new Set<string>();
      keys.add(String(alert.headers['idempotency-key']));
      keysByTransition.set(body.transition, keys);
      expect(body.incident.id).toBe(incident!.id);
    }
    expect(Object.fromEntries([...keysByTransition].map(([transition, keys]) => [transition, [...keys]]))).toEqual({
      opened: [`${incident!.id}:opened:1`],
      resolved: [`${incident!.id}:resolved:1`],
    });
    for (const [name, lines] of logLines) {
      // Each replica notices the return on its own next write (after its retry delay).
      await eventually(
        async () => lines,
        (list) => list.includes('incident store available again'),
        // Up to 30 s: the retry delay backs off to 5 s, and a loaded CI machine adds to it.
        1_500,
      );
      const outage = lines.filter((line) => line.startsWith('incident store unavailable'));
      const back = lines.filter((line) => line === 'incident store available again');
      expect({ name, outage: outage.length, back: back.length }).toEqual({ name, outage: 1, back: 1 });
    }
  }, 120_000);
});
