// Incidents end to end: a gateway with a real SQLite store, a signed webhook to a local receiver,
// and a simulated provider status page that acknowledges the outage after a lag. The primary goes
// down under SDK traffic: an incident opens and its alert arrives, the status page acknowledges
// later, the fault heals and the resolve alert carries the lead time; the report and the incident
// list, over the admin API and from `switchyard report`, show what happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';
import { startAlertReceiver, verifyWebhookSignature, type AlertReceiver } from '../../src/alerts/alert-receiver.js';
import { runReport } from '../../src/cli/report-command.js';
import type { SwitchyardConfig } from '../../src/config/schema.js';
import { eventually } from './harness.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let receiver: AlertReceiver;
let folder: string;
let config: SwitchyardConfig;
let client: Anthropic;
const secret = 'webhook-test-secret';

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${simulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((response) => response.json() as Promise<Record<string, any>>);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-incidents-'));
  simulator = await startSimulator({ port: 0, seed: 11 });
  receiver = await startAlertReceiver();
  await control('POST', '/_sim/status-pages/anthropic', {
    components: { 'api-component': { name: 'Claude API', targets: ['claude-a'] } },
    lagMs: 2_500,
  });
  config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulator.url}/u/claude-a`,
        apiKey: 'k',
        domains: ['anthropic-model-layer'],
      },
      {
        id: 'gpt-b',
        provider: 'openai',
        model: 'gpt-5',
        baseUrl: `${simulator.url}/u/gpt-b/v1`,
        apiKey: 'k',
        domains: ['openai'],
      },
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-a', 'gpt-b'] }],
    health: { defaults: { baseEjectionMs: 1_000 }, probes: { intervalMs: 200, timeoutMs: 1_000 } },
    store: { path: join(folder, 'switchyard.db') },
    alerts: [{ type: 'webhook', url: `${receiver.url}/hooks/switchyard`, secret }],
    incidents: { gracePeriodMs: 1_000, resolvePeriodMs: 1_000 },
    statusPages: [
      {
        name: 'anthropic',
        url: `${simulator.url}/status/anthropic`,
        components: { 'api-component': ['claude-a'] },
        intervalMs: 1_000,
      },
    ],
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
  await simulator.close();
  rmSync(folder, { recursive: true, force: true });
});

const ask = { model: 'sonnet', max_tokens: 30, messages: [{ role: 'user' as const, content: 'Hi' }] };
const transitions = () => receiver.received.map((alert) => (alert.body as { transition: string }).transition);

describe('incidents, alerts, status pages and the report', () => {
  it('alerts within seconds, records the status page acknowledgement, resolves with the lead time', async () => {
    for (let index = 0; index < 20; index += 1) await client.messages.create(ask);
    await control('POST', '/_sim/faults', { id: 'outage', target: 'claude-a', kind: 'error', status: 529 });
    const faultAt = Date.now();
    for (let index = 0; index < 10; index += 1) await client.messages.create(ask);

    const [opened] = await receiver.waitFor(1);
    const alertDelayMs = Date.now() - faultAt;
    console.log(`fault → alert delivered: ${alertDelayMs} ms`);
    expect(alertDelayMs).toBeLessThan(5_000);
    expect(verifyWebhookSignature(opened!.rawBody, opened!.headers['x-switchyard-signature'], secret)).toBe(true);
    expect((opened!.body as { transition: string }).transition).toBe('opened');
    expect(JSON.stringify(opened!.body)).toContain('claude-a');
    expect(opened!.rawBody).not.toContain('"k"');

    // The simulated status page acknowledges after its lag; the poller records it on the incident.
    const acknowledged = await eventually(
      async () =>
        (
          (await (await fetch(`${gateway.url}/admin/incidents?since=1h`)).json()) as {
            incidents: Array<{ key: string; leadTimeMs?: number | null }>;
          }
        ).incidents,
      (incidents) => incidents.some((incident) => typeof incident.leadTimeMs === 'number'),
      300,
    );
    const leadTimeMs = acknowledged.find((incident) => typeof incident.leadTimeMs === 'number')!.leadTimeMs!;
    console.log(`lead time over the simulated status page: ${leadTimeMs} ms`);
    expect(leadTimeMs).toBeGreaterThan(0);

    await control('DELETE', '/_sim/faults/outage');
    await eventually(
      async () => transitions(),
      (list) => list.includes('resolved'),
      400,
    );
    const resolved = receiver.received.find(
      (alert) => (alert.body as { transition: string }).transition === 'resolved',
    )!;
    expect(JSON.stringify(resolved.body)).toMatch(/lead/i);
    expect(transitions().filter((transition) => transition === 'opened')).toHaveLength(1);
  });

  it('reports availability per deployment and as the clients saw it', async () => {
    const report = (await (await fetch(`${gateway.url}/admin/report?since=1h`)).json()) as {
      deployments: Array<{ id: string; requests: number; successRate: number | null }>;
      routes: Array<{ route: string; requests: number; successRate: number | null; failovers: number }>;
      headline: string[] | string;
    };
    const primary = report.deployments.find((deployment) => deployment.id === 'claude-a')!;
    const route = report.routes.find((entry) => entry.route === 'sonnet')!;
    expect(primary.requests).toBeGreaterThan(20);
    expect(primary.successRate).toBeLessThan(1);
    expect(route.requests).toBe(30);
    expect(route.successRate).toBe(1);
    expect(route.failovers).toBeGreaterThan(0);
    const text = await runReport(config, { since: '1h', format: 'table' });
    expect(text).toContain('claude-a');
    expect(text).toMatch(/sonnet: 100\.0%/);
    const markdown = await (await fetch(`${gateway.url}/admin/report?since=1h&format=markdown`)).text();
    expect(markdown).toContain('|');
  });
});
