// Config reload while serving, through POST /admin/reload (admin token, cross-site rules as every
// admin POST): a valid config is applied whole and deployments that did not change keep their learned
// health (an ejection survives a reload that adds another deployment; a changed deployment starts
// fresh); an invalid one is refused with its reason (422), logged, and the running config keeps serving.
import { writeFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway | undefined;
afterEach(async () => {
  await keyed?.close();
  keyed = undefined;
});

type Document = Record<string, unknown> & {
  deployments: Array<Record<string, unknown>>;
  routes: Array<Record<string, unknown>>;
};

async function startReloadable(): Promise<{ keyed: KeyedGateway; document: Document; write(next: Document): void }> {
  const started = await startKeyedGateway();
  // The gateway reloads from the file the test rewrites, as the CLI reads its --config file on SIGHUP.
  return {
    keyed: started,
    document: started.document as Document,
    write: (next) => writeFileSync(started.reloadPath, JSON.stringify(next)),
  };
}

function admin(keyed: KeyedGateway, headers: Record<string, string> = {}) {
  return fetch(`${keyed.gateway.url}/admin/reload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keyed.adminToken}`, ...headers },
  });
}

async function stateOf(keyed: KeyedGateway, id: string): Promise<string | undefined> {
  const response = await fetch(`${keyed.gateway.url}/admin/health`, {
    headers: { authorization: `Bearer ${keyed.adminToken}` },
  });
  const snapshot = (await response.json()) as { deployments: Array<{ id: string; state: string }> };
  return snapshot.deployments.find((deployment) => deployment.id === id)?.state;
}

describe('config reload', () => {
  it('keeps a learned ejection across a reload that adds a deployment; a changed deployment starts fresh', async () => {
    const setup = await startReloadable();
    keyed = setup.keyed;
    const { gateway, simulator } = keyed;
    const client = new Anthropic({ baseURL: gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    await simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    // Requests until health has learned the outage (a few failures in a row eject a deployment).
    for (let index = 0; index < 40 && (await stateOf(keyed, 'claude-a')) !== 'ejected'; index += 1)
      await client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(await stateOf(keyed, 'claude-a')).toBe('ejected');

    const added = {
      ...setup.document,
      deployments: [
        ...setup.document.deployments,
        { ...setup.document.deployments[0], id: 'claude-b', baseUrl: `${simulator.url}/u/claude-b` },
      ],
      routes: [
        { ...setup.document.routes[0], deployments: ['claude-a', 'claude-b', 'gpt-a'] },
        ...setup.document.routes.slice(1),
      ],
    };
    setup.write(added);
    const applied = await admin(keyed);
    expect(applied.status).toBe(200);
    expect(await applied.json()).toEqual({
      applied: true,
      added: ['claude-b'],
      removed: [],
      changed: [],
      kept: ['claude-a', 'gpt-a'],
    });
    expect(await stateOf(keyed, 'claude-a')).toBe('ejected');
    expect(await stateOf(keyed, 'claude-b')).toBe('healthy');
    // The new route order is in force: claude-b (healthy) serves before the GPT fallback.
    const served = await client.messages
      .create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(served.response.headers.get('x-switchyard-deployment')).toBe('claude-b');

    // Changing claude-a (another base URL) gives it a fresh start.
    const changed = {
      ...added,
      deployments: added.deployments.map((deployment) =>
        deployment.id === 'claude-a' ? { ...deployment, baseUrl: `${simulator.url}/u/claude-c` } : deployment,
      ),
    };
    setup.write(changed);
    const second = await admin(keyed);
    expect(await second.json()).toMatchObject({ applied: true, changed: ['claude-a'], kept: ['gpt-a', 'claude-b'] });
    expect(await stateOf(keyed, 'claude-a')).toBe('healthy');
  });

  it('refreshes the dashboard series, the report and incident placements, not only routing', async () => {
    const setup = await startReloadable();
    keyed = setup.keyed;
    const { gateway, simulator } = keyed;
    const claude = setup.document.deployments[0]!;
    // claude-b joins in a failure domain of its own and serves a new route; gpt-a and its route go.
    setup.write({
      ...setup.document,
      deployments: [
        claude,
        { ...claude, id: 'claude-b', baseUrl: `${simulator.url}/u/claude-b`, domains: ['aws-us-west-2'] },
      ],
      routes: [
        { ...setup.document.routes[0], deployments: ['claude-a', 'claude-b'] },
        { name: 'opus', deployments: ['claude-b'] },
      ],
    });
    expect(await (await admin(keyed)).json()).toMatchObject({ applied: true, added: ['claude-b'], removed: ['gpt-a'] });

    // The dashboard's first frame of series: the new deployment and route, not the removed ones.
    const controller = new AbortController();
    const events = await fetch(`${gateway.url}/dashboard/events`, {
      headers: { authorization: `Bearer ${keyed.adminToken}` },
      signal: controller.signal,
    });
    const reader = events.body!.getReader();
    let text = '';
    while (!/event: series\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const seriesData = /event: series\ndata: (.*)\n\n/.exec(text)?.[1];
    const series = JSON.parse(seriesData!) as { deployments: object; routes: object };
    expect(Object.keys(series.deployments).sort()).toEqual(['claude-a', 'claude-b']);
    expect(Object.keys(series.routes).sort()).toEqual(['claude-sonnet-4-6', 'opus']);

    // The report lists the running config's deployments (with their provider), not the ones removed.
    const report = (await (
      await fetch(`${gateway.url}/admin/report?since=1h&format=json`, {
        headers: { authorization: `Bearer ${keyed.adminToken}` },
      })
    ).json()) as { deployments: Array<{ id: string; provider: string | null }> };
    expect(report.deployments.map((deployment) => [deployment.id, deployment.provider])).toEqual([
      ['claude-a', 'anthropic'],
      ['claude-b', 'anthropic'],
    ]);

    // Incidents and status-page acknowledgements place claude-b in its domain.
    expect(gateway.history.placements).toEqual([
      { id: 'claude-a', provider: 'anthropic', domains: [] },
      { id: 'claude-b', provider: 'anthropic', domains: ['aws-us-west-2'] },
    ]);
  });

  it('refuses an invalid config with its reason (422) and keeps serving the running one', async () => {
    const setup = await startReloadable();
    keyed = setup.keyed;
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    setup.write({ ...setup.document, routes: [{ name: 'sonnet', deployments: ['nowhere'] }] });
    const refused = await admin(keyed);
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('nowhere');
    expect(body.error.message).toContain(keyed.reloadPath);
    const still = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(still.content[0]?.type).toBe('text');

    // A section bound at start (the listening port) needs a restart: refused, named.
    setup.write({ ...setup.document, server: { host: '127.0.0.1', port: 7399 } });
    const restart = await admin(keyed);
    expect(restart.status).toBe(422);
    expect(((await restart.json()) as { error: { message: string } }).error.message).toMatch(/^server changed/);
  });

  it('is an admin call: no token 401, a client key 401, cross-site 403, and nothing reloads', async () => {
    const setup = await startReloadable();
    keyed = setup.keyed;
    const reloads: unknown[] = [];
    const original = keyed.gateway.reload;
    keyed.gateway.reload = (...args) => {
      reloads.push(args);
      return original(...args);
    };
    const none = await fetch(`${keyed.gateway.url}/admin/reload`, { method: 'POST' });
    expect(none.status).toBe(401);
    const clientKey = await fetch(`${keyed.gateway.url}/admin/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyed.configKey}` },
    });
    expect(clientKey.status).toBe(401);
    const crossSite = await admin(keyed, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(reloads).toEqual([]);
  });
});
