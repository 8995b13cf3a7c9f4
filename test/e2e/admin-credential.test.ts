// The admin surface behind the admin token: /admin/*, /metrics need it (a client key is never enough),
// the dashboard session is an HttpOnly SameSite=Strict cookie, cross-site state changes and foreign
// Host headers are refused, /livez and /readyz stay open. And no client can grow /metrics or the
// store's route names: 20,000 unique model names leave both the same size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;

beforeAll(async () => {
  keyed = await startKeyedGateway();
});
afterAll(async () => keyed.close());

const admin = () => ({ authorization: `Bearer ${keyed.adminToken}` });

describe('admin credential', () => {
  it('needs the admin token for /admin/*, /metrics and /dashboard; a client key is not enough', async () => {
    for (const path of ['/admin/health', '/metrics', '/admin/report', '/dashboard']) {
      const anonymous = await fetch(`${keyed.gateway.url}${path}`);
      expect(anonymous.status).toBe(401);
      const withClientKey = await fetch(`${keyed.gateway.url}${path}`, {
        headers: { authorization: `Bearer ${keyed.configKey}`, 'x-api-key': keyed.configKey },
      });
      expect(withClientKey.status).toBe(401);
    }
    expect((await fetch(`${keyed.gateway.url}/admin/health`, { headers: admin() })).status).toBe(200);
    const metrics = await fetch(`${keyed.gateway.url}/metrics`, { headers: admin() });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).not.toContain(keyed.adminToken);
  });

  it('keeps /livez and /readyz open for orchestrators', async () => {
    const live = await fetch(`${keyed.gateway.url}/livez`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${keyed.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, draining: false });
  });

  it('isolates only with the token, and refuses a cross-site request even with a session', async () => {
    const anonymous = await fetch(`${keyed.gateway.url}/admin/deployments/claude-a/isolate`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(keyed.gateway.tracker?.snapshot().deployments.find((item) => item.id === 'claude-a')?.state).toBe('healthy');

    const signIn = await fetch(`${keyed.gateway.url}/admin/session`, { method: 'POST', headers: admin() });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';', 1)[0] as string;
    expect((await fetch(`${keyed.gateway.url}/admin/health`, { headers: { cookie: session } })).status).toBe(200);

    const crossSite = await fetch(`${keyed.gateway.url}/admin/deployments/claude-a/isolate`, {
      method: 'POST',
      headers: { cookie: session, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const fetchSite = await fetch(`${keyed.gateway.url}/admin/deployments/claude-a/isolate`, {
      method: 'POST',
      headers: { cookie: session, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchSite.status).toBe(403);
    expect(keyed.gateway.tracker?.snapshot().deployments.find((item) => item.id === 'claude-a')?.state).toBe('healthy');

    const sameOrigin = await fetch(`${keyed.gateway.url}/admin/deployments/claude-a/release`, {
      method: 'POST',
      headers: { cookie: session, origin: keyed.gateway.url },
    });
    expect(sameOrigin.status).toBe(200);
    const signOut = await fetch(`${keyed.gateway.url}/admin/session`, {
      method: 'DELETE',
      headers: { cookie: session },
    });
    expect(signOut.status).toBe(200);
    expect((await fetch(`${keyed.gateway.url}/admin/health`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses a Host header that is not a name of the gateway (DNS rebinding)', async () => {
    const response = await keyed.gateway.app.inject({
      method: 'GET',
      url: '/admin/health',
      headers: { host: 'rebound.attacker.example', ...admin() },
    });
    expect(response.statusCode).toBe(421);
    const local = await keyed.gateway.app.inject({
      method: 'GET',
      url: '/admin/health',
      headers: { host: `localhost:${keyed.gateway.port}`, ...admin() },
    });
    expect(local.statusCode).toBe(200);
  });

  it('compares the admin token in full: a prefix or a longer string is refused', async () => {
    for (const wrong of [keyed.adminToken.slice(0, -1), `${keyed.adminToken}x`, '']) {
      const response = await fetch(`${keyed.gateway.url}/admin/health`, {
        headers: { authorization: `Bearer ${wrong}` },
      });
      expect(response.status).toBe(401);
    }
  });

  it('keeps /metrics and the stored route names the same size after 20,000 unique model names', async () => {
    const scrape = async () =>
      (await keyed.gateway.app.inject({ method: 'GET', url: '/metrics', headers: admin() })).body
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('switchyard_') &&
            !line.startsWith('switchyard_process') &&
            !line.startsWith('switchyard_nodejs'),
        );
    const ask = (model: string) =>
      keyed.gateway.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { 'content-type': 'application/json', 'x-api-key': keyed.configKey },
        payload: { model, max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] },
      });
    const first = await ask(`unknown-model-${'x'.repeat(1_000)}-0`);
    expect(first.statusCode).toBe(404);
    const before = await scrape();
    const padding = 'x'.repeat(1_000);
    for (let batch = 1; batch < 20_000; batch += 500) {
      const statuses = await Promise.all(
        Array.from({ length: Math.min(500, 20_000 - batch) }, (_, offset) =>
          ask(`unknown-model-${padding}-${batch + offset}`).then((response) => response.statusCode),
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([404]));
    }
    const after = await scrape();
    expect(after.length).toBe(before.length);
    expect(after.join('\n')).not.toContain('unknown-model-');
    expect(after.join('\n')).toContain('(unknown model)');
    await keyed.gateway.history.writer?.flush();
    const report = await keyed.gateway.app.inject({ method: 'GET', url: '/admin/report', headers: admin() });
    expect(report.statusCode).toBe(200);
    expect(report.body).not.toContain('unknown-model-');
    expect(report.body.length).toBeLessThan(20_000);
  }, 120_000);
});
