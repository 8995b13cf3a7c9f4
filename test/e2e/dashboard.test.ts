// The dashboard in a real headless Chromium (the distribution's, driven by playwright-core): a gateway
// with a SQLite store, a webhook receiver and a simulated status page in front of the simulator. The
// page loads without console errors and shows every deployment; a simulated outage shows within 2 s
// of the ejection, with its incident, timeline and alert; isolate and release work from the page
// (through the confirmation); and the page keeps up while the gateway serves a burst of SDK traffic.
// Browser waits are event-driven (waitForSelector with a timeout), never sleeps. The server runs on
// the system clock because a real browser and real sockets are in the loop; health is tuned short.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { StateChange } from '../../src/health/deployment-state.js';
import { startAlertReceiver, type AlertReceiver } from '../../src/alerts/alert-receiver.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { launchChromium, type Browser } from '../support/chromium.js';
import { simulatedDeployment, simulatorControl } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let receiver: AlertReceiver;
let browser: Browser;
let page: Page;
let folder: string;
let client: Anthropic;
const pageErrors: string[] = [];
const deploymentIds = ['claude-a', 'claude-b', 'gpt-b'];

const control = (method: string, path: string, body?: unknown) => simulatorControl(simulator.url)(method, path, body);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-dashboard-'));
  simulator = await startSimulator({ port: 0, seed: 3 });
  receiver = await startAlertReceiver();
  await control('POST', '/_sim/status-pages/anthropic', {
    components: { 'api-component': { name: 'Claude API', targets: ['claude-a', 'claude-b'] } },
    lagMs: 1_500,
  });
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      simulatedDeployment(simulator.url, 'claude-a', 'anthropic', ['anthropic-model-layer']),
      simulatedDeployment(simulator.url, 'claude-b', 'anthropic', ['anthropic-model-layer', 'aws-us-east-1']),
      simulatedDeployment(simulator.url, 'gpt-b', 'openai', ['openai']),
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-a', 'claude-b', 'gpt-b'] }],
    health: { defaults: { baseEjectionMs: 60_000 }, probes: { intervalMs: 500, timeoutMs: 1_000 } },
    store: { path: join(folder, 'switchyard.db') },
    alerts: [{ type: 'webhook', url: `${receiver.url}/hooks/switchyard`, secret: 'dashboard-secret' }],
    incidents: { gracePeriodMs: 500, resolvePeriodMs: 1_000 },
    statusPages: [
      {
        name: 'anthropic',
        url: `${simulator.url}/status/anthropic`,
        components: { 'api-component': ['claude-a', 'claude-b'] },
        intervalMs: 1_000,
      },
    ],
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await receiver?.close();
  await simulator?.close();
  rmSync(folder, { recursive: true, force: true });
}, 30_000);

const ask = { model: 'sonnet', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Hi' }] };
const row = (id: string, state?: string) =>
  `#deployments tr[data-deployment="${id}"]${state ? `[data-state="${state}"]` : ''}`;

describe('the dashboard in a real browser', { timeout: 60_000 }, () => {
  it('loads without console errors and shows every deployment, domain and chart', async () => {
    for (let index = 0; index < 5; index += 1) await client.messages.create(ask);
    const response = await page.goto(`${gateway.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 5_000 });
    for (const id of deploymentIds) await page.waitForSelector(row(id, 'healthy'), { timeout: 5_000 });
    await page.waitForSelector('#domains tr[data-domain="anthropic-model-layer"][data-state="healthy"]');
    await page.waitForSelector('.chart-card[data-kind="route"][data-name="sonnet"] canvas', { timeout: 5_000 });
    for (const id of deploymentIds)
      await page.waitForSelector(`.chart-card[data-kind="deployment"][data-name="${id}"] canvas`);
    // The vendored chart library and the page's own files are served by the gateway itself.
    expect((await fetch(`${gateway.url}/dashboard/uPlot.js`)).status).toBe(200);
    expect(pageErrors).toEqual([]);
  });

  it('shows a simulated outage within 2 s of the ejection, and its incident with a timeline and alert', async () => {
    const ejectedAt = new Map<string, number>();
    const stop = gateway.tracker!.onStateChange((change: StateChange) => {
      if (change.kind === 'deployment' && change.to === 'ejected') ejectedAt.set(change.id, Date.now());
    });
    const shown = page.waitForSelector(row('claude-a', 'ejected'), { timeout: 30_000 }).then(() => Date.now());
    await control('POST', '/_sim/faults', { id: 'claude-down', target: 'claude-a', kind: 'error', status: 529 });
    for (let index = 0; index < 30 && !ejectedAt.has('claude-a'); index += 1) {
      const answer = await client.messages.create(ask);
      expect(answer.content.length).toBeGreaterThan(0);
    }
    const shownAt = await shown;
    stop();
    expect(ejectedAt.has('claude-a')).toBe(true);
    const delayMs = shownAt - ejectedAt.get('claude-a')!;
    console.log(`ejection → shown on the page: ${delayMs} ms`);
    expect(delayMs).toBeLessThan(2_000);
    expect(await page.textContent(`${row('claude-a')} .reason`)).not.toBe('');

    const incident = '#incidents .incident[data-status="open"]';
    await page.waitForSelector(`${incident} .timeline li`, { timeout: 15_000 });
    expect(await page.textContent(incident)).toContain('claude-a');
    await page.waitForSelector(`${incident} .alerts .badge[data-state="sent"]`, { timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });

  it('isolates and releases a deployment from the page, after a confirmation', async () => {
    await page.click(`${row('gpt-b')} button.isolate`);
    await page.waitForSelector('#confirm[open]');
    expect(await page.textContent('#confirm-text')).toContain('gpt-b');
    // Cancelling changes nothing.
    await page.click('#confirm-cancel');
    await page.waitForSelector('#confirm:not([open])', { state: 'attached' });
    expect(gateway.tracker!.snapshot().deployments.find((deployment) => deployment.id === 'gpt-b')!.state).not.toBe(
      'isolated',
    );

    await page.click(`${row('gpt-b')} button.isolate`);
    await page.fill('#confirm-reason', 'maintenance window');
    await page.click('#confirm-ok');
    await page.waitForSelector(row('gpt-b', 'isolated'), { timeout: 5_000 });
    expect(await page.textContent(`${row('gpt-b')} .reason`)).toContain('maintenance window');
    const isolated = gateway.tracker!.snapshot().deployments.find((deployment) => deployment.id === 'gpt-b')!;
    expect(isolated.state).toBe('isolated');

    await page.click(`${row('gpt-b')} button.release`);
    await page.click('#confirm-ok');
    await page.waitForSelector(`${row('gpt-b')}:not([data-state="isolated"])`, { timeout: 5_000 });
    expect(gateway.tracker!.snapshot().deployments.find((deployment) => deployment.id === 'gpt-b')!.state).not.toBe(
      'isolated',
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows the availability report for a chosen period', async () => {
    await page.selectOption('#report-since', '1h');
    await page.click('#report-form button[type="submit"]');
    await page.waitForSelector('#report table td', { timeout: 10_000 });
    const text = await page.textContent('#report');
    expect(text).toContain('claude-a');
    expect(text).toContain('sonnet');
  });

  it('stays responsive while the gateway serves a burst of streaming traffic', async () => {
    await control('DELETE', '/_sim/faults/claude-down');
    const requests = 300;
    const concurrency = 30;
    let next = 0;
    let succeeded = 0;
    const worker = async () => {
      while (next < requests) {
        next += 1;
        const stream = await client.messages.create({ ...ask, stream: true });
        for await (const event of stream) if (event.type === 'message_stop') succeeded += 1;
      }
    };
    const load = Promise.all(Array.from({ length: concurrency }, worker));
    // While the burst runs, an operator action goes through the page and back over the stream.
    await page.click(`${row('claude-b')} button.isolate`);
    await page.click('#confirm-ok');
    await page.waitForSelector(row('claude-b', 'isolated'), { timeout: 2_000 });
    expect(await page.locator('#deployments tbody tr').count()).toBe(3);
    await page.click(`${row('claude-b')} button.release`);
    await page.click('#confirm-ok');
    await page.waitForSelector(`${row('claude-b')}:not([data-state="isolated"])`, { timeout: 2_000 });
    await load;
    expect(succeeded).toBe(requests);
    expect(await page.getAttribute('#connection', 'data-state')).toBe('connected');
    expect(pageErrors).toEqual([]);

    const screenshot = join(process.cwd(), '.tmp', 'dashboard.png');
    mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    // `SWITCHYARD_UPDATE_SCREENSHOT=1 npx vitest run test/e2e/dashboard.test.ts` refreshes the README's picture.
    if (process.env.SWITCHYARD_UPDATE_SCREENSHOT === '1')
      copyFileSync(screenshot, join(process.cwd(), 'docs', 'dashboard.png'));
  });
});
