// An active probe names itself with the probe header through every adapter, so an upstream (here
// the simulator's counts) tells it from client traffic; a client attempt carries no such header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { type RunningSimulator, startSimulator } from '../simulator/simulator.js';
import { UpstreamPools } from '../transport/upstream-pools.js';
import { systemClock } from '../util/clock.js';
import { callDeployment } from './call-deployment.js';
import { toDeploymentTarget } from './deployment-target.js';
import { probeDeployment } from './probe-deployment.js';
import { probeHeader } from './probe-header.js';
import { adapterFor } from './registry.js';

let simulator: RunningSimulator;
const pools = new UpstreamPools({ connectTimeoutMs: 5_000 });

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await pools.close();
  await simulator?.close();
});

function deploymentsOf(url: string) {
  return parseConfig({
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${url}/u/claude-a`,
        apiKey: 'sim-key',
        headers: { 'x-team': 'platform' },
      },
      { id: 'gpt-b', provider: 'openai', model: 'gpt-5', baseUrl: `${url}/u/gpt-b/v1`, apiKey: 'sim-key' },
    ],
    routes: [{ name: 'route', deployments: ['claude-a', 'gpt-b'] }],
  }).deployments;
}

describe('active probe requests', () => {
  it('carry the probe header beside the configured ones, and client attempts do not', async () => {
    for (const deployment of deploymentsOf(simulator.url)) {
      const adapter = adapterFor(deployment.provider);
      const outcome = await probeDeployment(deployment, adapter, pools, systemClock, new AbortController().signal);
      expect(outcome.kind).toBe('success');
      const [probe] = simulator.upstreams.recordedRequests(deployment.id);
      expect(probe?.headers[probeHeader]).toBe('1');
      if (deployment.id === 'claude-a') expect(probe?.headers['x-team']).toBe('platform');

      const answer = await callDeployment({
        adapter,
        target: toDeploymentTarget(deployment),
        request: {
          model: deployment.model,
          system: [],
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello?' }] }],
          maxTokens: 16,
          stream: false,
          original: { format: 'openai-chat', body: {} },
        },
        pools,
        signal: new AbortController().signal,
      });
      expect(answer.type).toBe('response');
      expect(simulator.upstreams.recordedRequests(deployment.id)[1]?.headers[probeHeader]).toBeUndefined();
      expect(simulator.stats().upstreams[deployment.id]).toMatchObject({ requests: 2, probes: 1 });
    }
  });
});
