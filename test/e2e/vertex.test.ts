// Vertex through the gateway with real OAuth: google-auth-library exchanges a workload-identity
// token at a local token endpoint (no Google host is reached), and the simulator checks the bearer
// token. Claude goes through rawPredict, Gemini through generateContent; the Anthropic SDK is the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';
import { startGoogleTokenServer, type GoogleTokenServer } from '../support/google-token-server.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let tokens: GoogleTokenServer;
let client: Anthropic;

beforeAll(async () => {
  tokens = await startGoogleTokenServer();
  const credentialsFile = tokens.credentialsFile;
  simulator = await startSimulator({ port: 0, seed: 9 });
  const config = parseConfig({
    store: false,
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'vertex-claude',
        provider: 'vertex',
        project: 'switchyard-test',
        region: 'us-east5',
        model: 'claude-sonnet-4-5@20250929',
        baseUrl: `${simulator.url}/u/vertex-claude`,
        credentialsFile,
      },
      {
        id: 'vertex-gemini',
        provider: 'vertex',
        project: 'switchyard-test',
        region: 'us-central1',
        model: 'gemini-2.5-flash',
        baseUrl: `${simulator.url}/u/vertex-gemini`,
        credentialsFile,
      },
    ],
    routes: [
      { name: 'vertex-claude', deployments: ['vertex-claude'] },
      { name: 'claude-then-gemini', deployments: ['vertex-claude', 'vertex-gemini'] },
    ],
    health: { enabled: false },
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await simulator.close();
  await tokens.close();
});

describe('Vertex through the gateway', () => {
  it('calls Claude on Vertex through streamRawPredict with an OAuth token, fetched once', async () => {
    // context-1m and context_management are first-party only: the simulated Vertex, like the real
    // one, would answer 400, so the gateway removes them and says so.
    const stream = client.messages.stream(
      {
        model: 'vertex-claude',
        max_tokens: 60,
        messages: [{ role: 'user', content: 'Hi' }],
        ...({ context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } } as object),
      },
      { headers: { 'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14' } },
    );
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(response.headers.get('x-switchyard-removed')).toBe('beta=context-1m-2025-08-07,field=context_management');
    const streamed = (await (await fetch(`${simulator.url}/_sim/requests/vertex-claude`)).json()) as {
      headers: Record<string, string>;
    };
    expect(streamed.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    await client.messages.create({
      model: 'vertex-claude',
      max_tokens: 60,
      messages: [{ role: 'user', content: 'Again' }],
    });
    const seen = (await (await fetch(`${simulator.url}/_sim/requests/vertex-claude`)).json()) as {
      url: string;
      headers: Record<string, string>;
      body: Record<string, unknown>;
    };
    expect(seen.url).toContain(
      '/v1/projects/switchyard-test/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    );
    expect(seen.headers.authorization).toBe('Bearer ya29.switchyard-test');
    expect(seen.body.anthropic_version).toBe('vertex-2023-10-16');
    expect(seen.body.model).toBeUndefined();
    expect(tokens.exchanges()).toBe(1);
  });

  it('fails over from Claude on Vertex to Gemini on Vertex, streaming', async () => {
    await fetch(`${simulator.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'vertex-claude', kind: 'error', status: 529 }),
    });
    const stream = client.messages.stream({
      model: 'claude-then-gemini',
      max_tokens: 60,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content[0]?.type).toBe('text');
    expect(response.headers.get('x-switchyard-deployment')).toBe('vertex-gemini');
    const seen = (await (await fetch(`${simulator.url}/_sim/requests/vertex-gemini`)).json()) as { url: string };
    expect(seen.url).toContain('/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});
