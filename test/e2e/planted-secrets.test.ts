// Planted markers for every secret: a provider key in no known shape, the admin token, a client key, a
// webhook secret. Upstreams echo the provider key in their 401 and 500 bodies, one deployment points at a
// closed port (connection errors name the address). Everything the gateway writes or serves is then
// searched: client answers (both SDK formats, streamed and not), logs at trace level, /metrics,
// /admin/health, /admin/incidents, /admin/report, the SQLite file itself and alert payloads.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import type { AlertSink } from '../../src/alerts/alert-sink.js';
import { freePort } from '../support/free-port.js';
import { eventually } from './harness.js';

const random = () => Math.random().toString(36).slice(2, 12);
// Markers in no shape a pattern knows: only scrubbing by value can catch them.
const providerMarker = `plantedprovider${random()}${random()}`;
const adminMarker = `plantedadmin${random()}${random()}${random()}`;
const clientMarker = `plantedclient${random()}${random()}${random()}`;
const webhookMarker = `plantedwebhook${random()}${random()}`;
const markers = [providerMarker, adminMarker, clientMarker, webhookMarker];

let folder: string;
let simulator: RunningSimulator;
let gateway: RunningGateway;
let closedAddress: string;
const logLines: string[] = [];
const alertPayloads: string[] = [];
const served: string[] = [];

const capturingSink: AlertSink = {
  id: 'capture',
  type: 'webhook',
  target: 'capture',
  async send(alert) {
    alertPayloads.push(JSON.stringify(alert));
    return { ok: true, status: 200 } as never;
  },
};

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-secrets-'));
  simulator = await startSimulator({ port: 0, seed: 17 });
  closedAddress = `127.0.0.1:${await freePort()}`;
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { clients: 'keys', adminToken: adminMarker, keys: [{ name: 'planted', key: clientMarker }] },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulator.url}/u/claude-a`,
        apiKey: providerMarker,
      },
      {
        id: 'claude-closed',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6-closed',
        baseUrl: `http://${closedAddress}`,
        apiKey: providerMarker,
      },
      {
        id: 'gpt-a',
        provider: 'openai',
        model: 'gpt-5',
        baseUrl: `${simulator.url}/u/gpt-a/v1`,
        apiKey: providerMarker,
      },
    ],
    routes: [
      { name: 'claude', deployments: ['claude-a', 'claude-closed'] },
      { name: 'gpt', deployments: ['gpt-a', 'claude-closed'] },
    ],
    timeouts: { requestMs: 5_000, connectMs: 500, firstTokenMs: 2_000 },
    retry: { maxAttemptsPerDeployment: 1, baseDelayMs: 1, maxDelayMs: 5 },
    health: { defaults: { baseEjectionMs: 60_000 }, probes: { enabled: false } },
    store: { path: join(folder, 'switchyard.db') },
    alerts: [{ type: 'webhook', url: 'http://127.0.0.1:9/unused', secret: webhookMarker }],
    incidents: { gracePeriodMs: 1, resolvePeriodMs: 60_000 },
  });
  const logs = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  gateway = await startGateway({
    config,
    port: 0,
    logger: createLogger('trace', logs),
    alertSinks: [capturingSink],
  });
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function collect(outcome: Promise<unknown>) {
  try {
    served.push(JSON.stringify(await outcome));
  } catch (error) {
    const apiError = error as { message?: string; error?: unknown; headers?: unknown };
    served.push(String(apiError.message), JSON.stringify(apiError.error ?? null));
  }
}

describe('planted secrets', () => {
  it('appear nowhere the gateway writes or serves, and no internal address reaches a client', async () => {
    const fault = (body: Record<string, unknown>) =>
      fetch(`${simulator.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await fault({ target: 'claude-a', kind: 'error', status: 401, message: `invalid x-api-key ${providerMarker}` });
    await fault({
      target: 'gpt-a',
      kind: 'error',
      status: 500,
      message: `upstream saw key=${providerMarker} and failed`,
    });

    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: clientMarker, maxRetries: 0 });
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientMarker, maxRetries: 0 });
    const ask = { max_tokens: 20, messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (let round = 0; round < 3; round += 1) {
      await collect(anthropic.messages.create({ model: 'claude', ...ask }));
      await collect(anthropic.messages.stream({ model: 'claude', ...ask }).finalMessage());
      await collect(openai.chat.completions.create({ model: 'gpt', messages: ask.messages }));
      await collect(openai.chat.completions.stream({ model: 'gpt', messages: ask.messages }).finalChatCompletion());
      // A direct request to the closed deployment: the connection error is all there is to tell.
      await collect(anthropic.messages.create({ model: 'claude-sonnet-4-6-closed', ...ask }));
    }
    const raw = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': clientMarker },
      body: JSON.stringify({ model: 'claude-sonnet-4-6-closed', ...ask }),
    });
    const rawText = await raw.text();
    served.push(rawText);
    // The client hears the cause and the deployment's name, not where it lives.
    expect(rawText).toContain('claude-closed');
    for (const text of served) expect(text).not.toContain(closedAddress);

    // Wait for health and incidents to have seen the failures, then read every surface.
    await eventually(
      async () => (await gateway.history.store?.listIncidents({ since: 0, limit: 10 }))?.length ?? 0,
      (count) => count > 0,
    );
    await gateway.history.writer?.flush();
    const admin = { authorization: `Bearer ${adminMarker}` };
    for (const path of [
      '/admin/health',
      '/admin/incidents',
      '/admin/report?format=markdown',
      '/metrics',
      '/admin/keys',
    ]) {
      const response = await fetch(`${gateway.url}${path}`, { headers: admin });
      expect(response.status, path).toBe(200);
      served.push(await response.text());
    }
    await gateway.close();
    const storeBytes = readdirSync(folder)
      .filter((name) => name.startsWith('switchyard.db'))
      .map((name) => readFileSync(join(folder, name)).toString('latin1'));

    const everything = [...served, ...logLines, ...alertPayloads, ...storeBytes].join('\n');
    expect(served.join('\n')).toContain('claude-a');
    expect(logLines.length).toBeGreaterThan(0);
    for (const marker of markers) expect(everything, marker).not.toContain(marker);
  }, 60_000);
});
