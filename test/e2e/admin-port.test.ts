// server.adminPort: the admin surface (/admin/*, /dashboard, /metrics) on its own listener, with the
// admin token and the cross-site rules there; the client port answers 404 for it, and the admin port
// serves nothing of the client API.
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../../src/config/load-config.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;
beforeAll(async () => {
  keyed = await startKeyedGateway({ extra: { server: { host: '127.0.0.1', port: 0, adminPort: 0 } } });
});
afterAll(async () => keyed.close());

const withToken = () => ({ authorization: `Bearer ${keyed.adminToken}` });

describe('admin port', () => {
  it('serves the admin surface on its own port and answers 404 for it on the client port', async () => {
    const { url, adminUrl } = keyed.gateway;
    expect(adminUrl).not.toBe(url);
    for (const path of ['/admin/health', '/metrics', '/dashboard', '/dashboard/sign-in', '/admin/incidents']) {
      const onClientPort = await fetch(`${url}${path}`, { headers: withToken() });
      expect(onClientPort.status, path).toBe(404);
    }
    const isolateOnClientPort = await fetch(`${url}/admin/deployments/claude-a/isolate`, {
      method: 'POST',
      headers: withToken(),
    });
    expect(isolateOnClientPort.status).toBe(404);

    const health = await fetch(`${adminUrl}/admin/health`, { headers: withToken() });
    expect(health.status).toBe(200);
    expect(((await health.json()) as { deployments: unknown[] }).deployments).toHaveLength(2);
    const metrics = await fetch(`${adminUrl}/metrics`, { headers: withToken() });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('switchyard_');
    expect((await fetch(`${adminUrl}/admin/health`)).status).toBe(401);
    const withClientKey = await fetch(`${adminUrl}/admin/health`, {
      headers: { authorization: `Bearer ${keyed.configKey}` },
    });
    expect(withClientKey.status).toBe(401);
    const crossSite = await fetch(`${adminUrl}/admin/deployments/claude-a/isolate`, {
      method: 'POST',
      headers: { ...withToken(), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // fetch will not send another Host: undici's request does, over the admin port's real socket.
    const foreignHost = await request(`${adminUrl}/admin/health`, {
      headers: { ...withToken(), host: 'rebound.example' },
    });
    expect(foreignHost.statusCode).toBe(421);
    await foreignHost.body.dump();
  });

  it('keeps the client API on the client port only', async () => {
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'sonnet',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content[0]?.type).toBe('text');
    const onAdminPort = new Anthropic({ baseURL: keyed.gateway.adminUrl, apiKey: keyed.configKey, maxRetries: 0 });
    await expect(
      onAdminPort.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses adminHost without adminPort, and a non-loopback adminHost without an admin token', () => {
    const deployments = [{ id: 'a', provider: 'anthropic', model: 'm', apiKey: 'k' }];
    const problems = (document: Record<string, unknown>) => {
      try {
        parseConfig({ deployments, ...document }, {});
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ server: { adminHost: '127.0.0.1' } })).toEqual([
      'server.adminHost: only used with server.adminPort; set the admin port too',
    ]);
    expect(problems({ server: { adminPort: 7301, adminHost: '10.0.0.5' } })).toEqual([
      'server.adminHost: "10.0.0.5" is not loopback, so the admin surface needs auth.adminToken',
    ]);
  });
});
