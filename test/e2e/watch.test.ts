// Monitor-only mode against the simulator, on a manual clock: no client ever calls the gateway, yet
// the synthetic requests feed health, incidents, the webhook alert, the dashboard's health figures and
// the report; a deployment that goes down is ejected and alerted; and the daily spend cap stops the
// synthetic requests before they cost more than it allows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { startAlertReceiver, type AlertReceiver } from '../../src/alerts/alert-receiver.js';
import { requestChannel } from '../../src/observability/channels.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { startWatch, type RunningWatch } from '../../src/watch/start-watch.js';
import { ManualClock } from '../support/manual-clock.js';
import { simulatedDeployment, simulatorControl } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let receiver: AlertReceiver;
let running: RunningWatch;
let folder: string;
const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
const clientRequests: unknown[] = [];
const onRequest = (message: unknown) => clientRequests.push(message);
const capUsd = 0.001;
// A deliberately high price, so the cap is reached within a few synthetic requests.
const price = { inputPerMillionTokens: 20, outputPerMillionTokens: 40 };

const control = (method: string, path: string, body?: unknown) => simulatorControl(simulator.url)(method, path, body);
const upstreamRequests = async (name: string) =>
  ((await (await control('GET', '/_sim/stats')).json()) as { upstreams: Record<string, { requests: number }> })
    .upstreams[name]?.requests ?? 0;

/** Moves the manual clock a second at a time, letting the synthetic requests of each second finish. */
async function runFor(ms: number, until?: () => boolean): Promise<void> {
  for (let elapsed = 0; elapsed < ms && !until?.(); elapsed += 1_000) {
    await clock.advance(1_000);
    await running.watch.idle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-watch-'));
  simulator = await startSimulator({ port: 0, seed: 9 });
  receiver = await startAlertReceiver();
  diagnosticsChannel.subscribe(requestChannel.name, onRequest);
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      simulatedDeployment(simulator.url, 'claude-a', 'anthropic', ['anthropic-model-layer']),
      simulatedDeployment(simulator.url, 'gpt-b', 'openai', ['openai']),
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-a', 'gpt-b'] }],
    // A fixed run of three failures ejects (no adaptive threshold), so the detection time below is exact.
    health: { defaults: { consecutiveFailures: 3, maximumConsecutiveFailures: 3, baseEjectionMs: 120_000 } },
    store: { path: join(folder, 'switchyard.db') },
    alerts: [{ type: 'webhook', url: `${receiver.url}/hooks/switchyard`, secret: 'watch-secret' }],
    incidents: { gracePeriodMs: 1_000, resolvePeriodMs: 1_000 },
    watch: {
      intervalMs: 60_000,
      confirmIntervalMs: 5_000,
      deployments: { 'gpt-b': { spendCapUsdPerDay: capUsd, price } },
    },
  });
  running = await startWatch({ config, clock, port: 0, logger: createLogger('silent') });
});

afterAll(async () => {
  diagnosticsChannel.unsubscribe(requestChannel.name, onRequest);
  await running?.close();
  await receiver?.close();
  await simulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('switchyard watch (monitor only)', () => {
  it('pings every deployment on its interval with no client traffic, and shows it in /admin/health', async () => {
    await runFor(61_000);
    expect(await upstreamRequests('claude-a')).toBe(2);
    expect(await upstreamRequests('gpt-b')).toBeGreaterThanOrEqual(1);
    const health = (await (await fetch(`${running.gateway.url}/admin/health`)).json()) as {
      deployments: Array<{ id: string; state: string; attempts: number }>;
      watch: Array<{ deployment: string; sent: number; spend: { spentTodayUsd: number } }>;
    };
    expect(health.deployments.every((deployment) => deployment.state === 'healthy')).toBe(true);
    expect(health.watch.find((entry) => entry.deployment === 'claude-a')!.sent).toBe(2);
    expect(health.watch.find((entry) => entry.deployment === 'claude-a')!.spend.spentTodayUsd).toBeGreaterThan(0);
    expect(clientRequests).toHaveLength(0);
  });

  it('detects a deployment going down and alerts, without any client traffic', async () => {
    const before = await upstreamRequests('claude-a');
    await control('POST', '/_sim/faults', { id: 'claude-down', target: 'claude-a', kind: 'error', status: 529 });
    const faultAt = clock.now();
    let ejectedAt = 0;
    const stop = running.gateway.tracker!.onStateChange((change) => {
      if (change.id === 'claude-a' && change.to === 'ejected') ejectedAt = clock.now();
    });
    const opened = () =>
      receiver.received.some((alert) => (alert.body as { transition?: string }).transition === 'opened');
    await runFor(180_000, opened);
    expect(opened()).toBe(true);
    stop();
    const detectedAfterMs = clock.now() - faultAt;
    console.log(
      `watch: fault → ejected after ${(ejectedAt - faultAt) / 1000} s, alerted after ${detectedAfterMs / 1000} s`,
    );
    // At most one interval to the next ping, then two confirmations 5 s apart make the run of three;
    // the incident's grace period (1 s) and a tick of the alert dispatcher follow.
    expect(ejectedAt - faultAt).toBeLessThanOrEqual(60_000 + 2 * 5_000);
    expect(detectedAfterMs).toBeLessThanOrEqual(60_000 + 2 * 5_000 + 3_000);
    const state = running.gateway.tracker!.snapshot().deployments.find((deployment) => deployment.id === 'claude-a');
    expect(state!.state).toBe('ejected');
    // While ejected, the watch sends nothing to it.
    const sentWhileDetecting = (await upstreamRequests('claude-a')) - before;
    await runFor(30_000);
    expect((await upstreamRequests('claude-a')) - before).toBe(sentWhileDetecting);
    expect(clientRequests).toHaveLength(0);
  });

  it('keeps each deployment under its daily spend cap', async () => {
    await runFor(15 * 60_000);
    const status = running.watch.status().find((entry) => entry.deployment === 'gpt-b')!;
    expect(status.spend.capped).toBe(true);
    expect(status.spend.spentTodayUsd).toBeGreaterThan(0);
    expect(status.spend.spentTodayUsd).toBeLessThanOrEqual(capUsd);
    const sent = await upstreamRequests('gpt-b');
    expect(sent).toBe(status.sent);
    // Fifteen intervals went by, but the cap stopped the requests well before.
    expect(sent).toBeLessThan(15);
    await runFor(5 * 60_000);
    expect(await upstreamRequests('gpt-b')).toBe(sent);
  });

  it('feeds the availability report', async () => {
    const report = (await (await fetch(`${running.gateway.url}/admin/report?since=1h`)).json()) as {
      deployments: Array<{ id: string; requests: number; successRate: number | null }>;
    };
    const claude = report.deployments.find((deployment) => deployment.id === 'claude-a')!;
    expect(claude.requests).toBeGreaterThan(2);
    expect(claude.successRate).toBeLessThan(1);
  });
});
