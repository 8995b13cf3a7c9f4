// Token counting through the adapters, with the official Anthropic SDK's messages.countTokens as the
// client: a route whose first deployment (Anthropic) is down fails over to Bedrock Claude or to Claude
// on Vertex and is counted there, in each platform's own wire format; a deployment that cannot count
// (OpenAI) is skipped without being called; a route where none can count answers the local estimate;
// and the failed counting attempt is recorded by health like any other.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeDirectAndBedrock, simulatorControl } from '../support/simulator-setup.js';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningGateway } from '../../src/server/gateway.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startSimulatedGateway } from '../support/simulated-gateway.js';
import { startGoogleTokenServer, type GoogleTokenServer } from '../support/google-token-server.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let tokens: GoogleTokenServer;
let client: Anthropic;

const control = (method: string, path: string, body?: unknown) => simulatorControl(simulator.url)(method, path, body);
const lastRequest = async (name: string) => {
  const answer = await control('GET', `/_sim/requests/${name}`);
  return answer.status === 404
    ? undefined
    : ((await answer.json()) as { url: string; headers: Record<string, string>; body: Record<string, any> });
};

const question = {
  system: 'You count carefully.',
  messages: [{ role: 'user' as const, content: 'How many tokens are in this question about the weather in Oslo?' }],
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather',
      input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
};

beforeAll(async () => {
  tokens = await startGoogleTokenServer();
  ({ simulator, gateway } = await startSimulatedGateway(13, (sim) => ({
    deployments: [
      ...claudeDirectAndBedrock(sim),
      {
        id: 'claude-vertex',
        provider: 'vertex',
        project: 'switchyard-test',
        region: 'us-east5',
        model: 'claude-sonnet-4-5@20250929',
        baseUrl: `${sim}/u/claude-vertex`,
        credentialsFile: tokens.credentialsFile,
      },
      { id: 'gpt', provider: 'openai', model: 'gpt-5', baseUrl: `${sim}/u/gpt/v1`, apiKey: 'sim-openai-key' },
    ],
    routes: [
      { name: 'via-bedrock', deployments: ['claude-direct', 'claude-bedrock'] },
      { name: 'via-vertex', deployments: ['claude-direct', 'claude-vertex'] },
      { name: 'openai-first', deployments: ['gpt', 'claude-bedrock'] },
      { name: 'openai-only', deployments: ['gpt'] },
    ],
    timeouts: { requestMs: 20_000, connectMs: 1_000, firstTokenMs: 3_000 },
    // Probes off, so every outcome health holds comes from the requests of this file.
    health: { probes: { enabled: false } },
  })));
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await simulator.close();
  await tokens.close();
});

beforeEach(async () => {
  await control('DELETE', '/_sim/faults');
  await control('DELETE', '/_sim/stats');
});

async function count(model: string) {
  return client.messages.countTokens({ model, ...question }).withResponse();
}

describe('count_tokens through the adapters', () => {
  it('fails over from a down Anthropic deployment to Bedrock CountTokens, and health records the failure', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    const { data, response } = await count('via-bedrock');
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-bedrock');
    expect(response.headers.get('x-switchyard-token-count')).toBe('counted');
    expect(data.input_tokens).toBeGreaterThan(0);

    // The Anthropic deployment was asked first, at its own count endpoint.
    expect((await lastRequest('claude-direct'))?.url).toContain('/v1/messages/count_tokens');
    // Bedrock's CountTokens, SigV4-signed, for the foundation model the inference profile names.
    const seen = await lastRequest('claude-bedrock');
    expect(seen?.url).toContain('/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
    expect(String(seen?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR\//);
    const invokeBody = JSON.parse(Buffer.from(seen?.body.input.invokeModel.body, 'base64').toString('utf8'));
    expect(invokeBody.anthropic_version).toBe('bedrock-2023-05-31');
    expect(invokeBody.messages).toEqual(question.messages);
    expect(invokeBody.tools[0].name).toBe('get_weather');
    expect(invokeBody.model).toBeUndefined();

    const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as {
      deployments: Array<{ id: string; failuresByKind: Record<string, number>; attempts: number }>;
    };
    const direct = health.deployments.find((deployment) => deployment.id === 'claude-direct');
    expect(direct?.failuresByKind.overloaded).toBeGreaterThanOrEqual(1);
  });

  it('fails over to Claude on Vertex and counts at count-tokens:rawPredict', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    const { data, response } = await count('via-vertex');
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-vertex');
    expect(data.input_tokens).toBeGreaterThan(0);
    const seen = await lastRequest('claude-vertex');
    expect(seen?.url).toContain(
      '/v1/projects/switchyard-test/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict',
    );
    expect(seen?.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(seen?.body.model).toBe('claude-sonnet-4-5@20250929');
    expect(seen?.body.messages).toEqual(question.messages);
    expect(seen?.body.max_tokens).toBeUndefined();
  });

  it('counts the same on Anthropic, Bedrock and Vertex when each is asked directly', async () => {
    const direct = await count('via-bedrock');
    expect(direct.response.headers.get('x-switchyard-deployment')).toBe('claude-direct');
    expect((await lastRequest('claude-direct'))?.body.model).toBe('claude-sonnet-4-6');
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 503 });
    const bedrock = await count('via-bedrock');
    const vertex = await count('via-vertex');
    // The simulator counts the same input the same way, whichever platform's envelope carries it.
    expect(bedrock.data.input_tokens).toBe(direct.data.input_tokens);
    expect(vertex.data.input_tokens).toBe(direct.data.input_tokens);
  });

  it('skips a deployment that cannot count without calling it', async () => {
    const { data, response } = await count('openai-first');
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-bedrock');
    expect(data.input_tokens).toBeGreaterThan(0);
    expect(await lastRequest('gpt')).toBeUndefined();
  });

  it('answers the local estimate, and says so, when no deployment of the route can count', async () => {
    const { data, response } = await count('openai-only');
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimated');
    expect(response.headers.get('x-switchyard-deployment')).toBeNull();
    expect(data.input_tokens).toBeGreaterThan(JSON.stringify(question.messages).length / 8);
    expect(await lastRequest('gpt')).toBeUndefined();
  });

  it('passes a client error of the counting upstream through instead of estimating', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 400 });
    await expect(count('via-bedrock')).rejects.toMatchObject({ status: 400 });
  });
});
