// The dashboard behind the admin token, in a real headless Chromium: without a session the page sends
// the browser to its sign-in form; a wrong token is refused there; the right one opens a session
// (cookie) and the dashboard, whose isolate and release then work with that session alone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { launchChromium, type Browser } from '../support/chromium.js';
import { simulatedDeployment } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let browser: Browser;
let page: Page;
// Built at run time: a token-shaped literal in the source would look like a leaked secret.
const adminToken = ['dashboard', 'admin', 'token', 'for', 'the', 'browser', 'test'].join('-');

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 4 });
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { clients: 'none', adminToken },
    deployments: [
      simulatedDeployment(simulator.url, 'claude-a', 'anthropic', ['anthropic-model-layer']),
      simulatedDeployment(simulator.url, 'gpt-b', 'openai', ['openai']),
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-a', 'gpt-b'] }],
    store: false,
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await simulator?.close();
}, 30_000);

describe('the dashboard behind the admin token', () => {
  it('refuses the page and its event stream without a session', async () => {
    const events = await fetch(`${gateway.url}/dashboard/events`);
    expect(events.status).toBe(401);
    await events.body?.cancel();
    const isolate = await fetch(`${gateway.url}/admin/deployments/gpt-b/isolate`, { method: 'POST' });
    expect(isolate.status).toBe(401);
  });

  it('sends the browser to sign in, refuses a wrong token, and opens the dashboard with the right one', async () => {
    await page.goto(`${gateway.url}/dashboard`);
    await page.waitForURL('**/dashboard/sign-in', { timeout: 5_000 });
    await page.fill('#token', 'not-the-admin-token');
    await page.click('#sign-in button[type="submit"]');
    await page.waitForSelector('#sign-in-error:not([hidden])', { timeout: 5_000 });
    expect(await page.textContent('#sign-in-error')).toContain('not valid');

    await page.fill('#token', adminToken);
    await page.click('#sign-in button[type="submit"]');
    await page.waitForURL(/\/dashboard$/, { timeout: 5_000 });
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 5_000 });
    await page.waitForSelector('#deployments tr[data-deployment="gpt-b"][data-state="healthy"]', { timeout: 5_000 });
    const cookies = await browser.context.cookies();
    expect(cookies.find((cookie) => cookie.name === 'switchyard_session')?.httpOnly).toBe(true);
  });

  it('isolates and releases with the session alone', async () => {
    await page.click('#deployments tr[data-deployment="gpt-b"] button.isolate');
    await page.click('#confirm-ok');
    await page.waitForSelector('#deployments tr[data-deployment="gpt-b"][data-state="isolated"]', { timeout: 5_000 });
    await page.click('#deployments tr[data-deployment="gpt-b"] button.release');
    await page.click('#confirm-ok');
    await page.waitForSelector('#deployments tr[data-deployment="gpt-b"]:not([data-state="isolated"])', {
      timeout: 5_000,
    });
    expect(gateway.tracker!.snapshot().deployments.find((deployment) => deployment.id === 'gpt-b')!.state).not.toBe(
      'isolated',
    );
  });
});
