// Gateway + simulator on loopback for end-to-end tests driven by the official SDKs.
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';

export interface Harness {
  gateway: RunningGateway;
  simulator: RunningSimulator;
  /** POSTs to the simulator's control API. */
  fault(body: Record<string, unknown>): Promise<string>;
  clearFaults(): Promise<void>;
  upstreamStats(name: string): Promise<{ requests: number; aborted: number; failed: number }>;
  lastRequest(name: string): Promise<{ headers: Record<string, string>; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const providerKey = 'sk-provider-secret-0123456789';

export interface HarnessOptions {
  firstTokenMs?: number;
  requestMs?: number;
  bodyLimitBytes?: number;
  /** Health tracking (off by default so that each test starts from a clean slate). */
  health?: Record<string, unknown>;
}

export async function startHarness(overrides: HarnessOptions = {}): Promise<Harness> {
  const simulator = await startSimulator({ port: 0, seed: 1 });
  const sim = simulator.url;
  const config = parseConfig({
    server: {
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: overrides.bodyLimitBytes ?? 1024 * 1024,
      pingIntervalMs: 10_000,
    },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${sim}/u/claude-a`,
        apiKey: providerKey,
      },
      {
        id: 'claude-b',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6-b',
        baseUrl: `${sim}/u/claude-b`,
        apiKey: providerKey,
      },
      { id: 'gpt-a', provider: 'openai', model: 'gpt-5-mini', baseUrl: `${sim}/u/gpt-a/v1`, apiKey: providerKey },
      { id: 'gpt-b', provider: 'openai', model: 'gpt-5', baseUrl: `${sim}/u/gpt-b/v1`, apiKey: providerKey },
      {
        id: 'azure-dated',
        provider: 'azure',
        model: 'gpt-4o-deploy',
        baseUrl: `${sim}/u/azure-a`,
        apiKey: providerKey,
        apiVersion: '2024-10-21',
      },
      { id: 'azure-v1', provider: 'azure', model: 'gpt-5-deploy', baseUrl: `${sim}/u/azure-b`, apiKey: providerKey },
      {
        id: 'vllm',
        provider: 'openai-compatible',
        model: 'llama-3.3-70b',
        baseUrl: `${sim}/u/vllm/v1`,
        apiKey: 'ollama',
      },
    ],
    routes: [
      // The extra aliases are the model ids Claude Code sends in its Bedrock and Vertex modes.
      {
        name: 'claude-sonnet-4-6',
        aliases: ['sonnet', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5@20250929'],
        deployments: ['claude-a', 'claude-b'],
      },
      { name: 'claude-then-gpt', deployments: ['claude-a', 'gpt-b'] },
      { name: 'gpt-then-claude', deployments: ['gpt-a', 'claude-b'] },
      { name: 'only-gpt', deployments: ['gpt-a'] },
      { name: 'only-claude', deployments: ['claude-a'] },
      { name: 'azure-dated', deployments: ['azure-dated'] },
      { name: 'azure-v1', deployments: ['azure-v1'] },
      { name: 'compatible', deployments: ['vllm'] },
    ],
    timeouts: {
      requestMs: overrides.requestMs ?? 20_000,
      connectMs: 1_000,
      firstTokenMs: overrides.firstTokenMs ?? 1_000,
    },
    retry: { maxAttemptsPerDeployment: 2, baseDelayMs: 10, maxDelayMs: 50 },
    health: overrides.health ?? { enabled: false },
    store: false,
  });
  const gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<Record<string, unknown>>;
  };
  return {
    gateway,
    simulator,
    async fault(body) {
      return String((await control('POST', '/_sim/faults', body)).id);
    },
    async clearFaults() {
      await control('DELETE', '/_sim/faults');
    },
    async upstreamStats(name) {
      const stats = (await control('GET', '/_sim/stats')) as {
        upstreams: Record<string, { requests: number; aborted: number; failed: number }>;
      };
      return stats.upstreams[name] ?? { requests: 0, aborted: 0, failed: 0 };
    },
    async lastRequest(name) {
      return (await control('GET', `/_sim/requests/${name}`)) as {
        headers: Record<string, string>;
        body: Record<string, unknown>;
      };
    },
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}

/** Waits for a condition that another process brings about (bounded; not a timing assertion). */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, attempts = 100): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < attempts && !accept(value); attempt += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
