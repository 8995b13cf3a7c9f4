// Health through the real SDK: a hard-down primary is ejected and stops getting client traffic,
// an active probe readmits it once it heals, an operator can isolate and release it, and the
// admin API and /metrics show all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, eventually, type Harness } from './harness.js';

let harness: Harness;
let client: Anthropic;

interface DeploymentView {
  id: string;
  state: string;
  reason: string;
  ejectionCount: number;
}

async function healthOf(id: string): Promise<DeploymentView> {
  const body = (await (await fetch(`${harness.gateway.url}/admin/health`)).json()) as { deployments: DeploymentView[] };
  return body.deployments.find((deployment) => deployment.id === id)!;
}

beforeAll(async () => {
  harness = await startHarness({
    health: { defaults: { baseEjectionMs: 300 }, probes: { intervalMs: 100, timeoutMs: 2_000 } },
  });
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());

const ask = { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('health end to end', () => {
  it('ejects a hard-down primary, keeps clients on the fallback, and readmits it after it heals', async () => {
    for (let index = 0; index < 20; index += 1) await client.messages.create(ask);
    expect((await healthOf('claude-a')).state).toBe('healthy');

    const fault = await harness.fault({ target: 'claude-a', kind: 'error', status: 503 });
    const served: string[] = [];
    for (let index = 0; index < 30; index += 1) {
      const { response } = await client.messages.create(ask).withResponse();
      served.push(response.headers.get('x-switchyard-deployment') ?? '');
    }
    expect(served.every((id) => id === 'claude-b')).toBe(true);
    // Degraded after a few failures (so tried after claude-b), then ejected by failed probes.
    const ejected = await eventually(
      () => healthOf('claude-a'),
      (view) => view.state === 'ejected' || view.state === 'probing',
      200,
    );
    expect(['ejected', 'probing']).toContain(ejected.state);
    expect(ejected.ejectionCount).toBeGreaterThanOrEqual(1);
    const failedOnDead = (await harness.upstreamStats('claude-a')).failed;
    // Five failures eject a clean deployment; after that only probes reach it.
    const probesAllowance = 10;
    expect(failedOnDead).toBeLessThanOrEqual(5 + probesAllowance);

    await fetch(`${harness.simulator.url}/_sim/faults/${fault}`, { method: 'DELETE' });
    const readmitted = await eventually(
      () => healthOf('claude-a'),
      (view) => view.state === 'healthy',
      200,
    );
    expect(readmitted.state).toBe('healthy');
    const { response } = await client.messages.create(ask).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-a');
  });

  it('lets an operator isolate and release a deployment', async () => {
    const isolated = (await (
      await fetch(`${harness.gateway.url}/admin/deployments/claude-a/isolate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'maintenance' }),
      })
    ).json()) as DeploymentView;
    expect(isolated.state).toBe('isolated');
    const { response } = await client.messages.create(ask).withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
    const released = (await (
      await fetch(`${harness.gateway.url}/admin/deployments/claude-a/release`, { method: 'POST' })
    ).json()) as DeploymentView;
    expect(released.state).toBe('healthy');
    expect((await fetch(`${harness.gateway.url}/admin/deployments/nope/isolate`, { method: 'POST' })).status).toBe(404);
  });

  it('exposes Prometheus metrics for requests, attempts, states and tokens', async () => {
    const text = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(text).toMatch(
      /switchyard_requests_total\{route="claude-sonnet-4-6",format="anthropic",stream="false",outcome="success",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /switchyard_attempts_total\{route="claude-sonnet-4-6",deployment="claude-a",provider="anthropic",kind="(overloaded|server)"\} \d+/,
    );
    expect(text).toMatch(/switchyard_deployment_state\{deployment="claude-a",state="healthy"\} 1/);
    expect(text).toMatch(/switchyard_tokens_total\{deployment="claude-b",kind="output"\} \d+/);
    expect(text).toContain('switchyard_time_to_first_token_seconds_bucket');
    expect(text).toContain('switchyard_failovers_total');
    expect(text).not.toContain('sk-provider-secret');
  });
});
