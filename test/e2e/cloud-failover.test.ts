// The end-to-end path with the Anthropic SDK as the client: a route whose primary is
// simulated Anthropic fails over to simulated Bedrock Claude (SigV4-signed with credentials from
// the standard AWS chain), and — with the whole anthropic-model-layer domain down — to simulated
// Gemini, streaming and with a tool round trip.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, simulatorAwsCredentials, type RunningSimulator } from '../../src/simulator/simulator.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';
import { eventually } from './harness.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let client: Anthropic;

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${simulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((response) => response.json() as Promise<Record<string, any>>);

beforeAll(async () => {
  // The Bedrock adapter finds these through the standard AWS credential chain (environment first).
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  process.env.AWS_ACCESS_KEY_ID = simulatorAwsCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = simulatorAwsCredentials.secretAccessKey;
  simulator = await startSimulator({ port: 0, seed: 5 });
  const sim = simulator.url;
  const config = parseConfig({
    store: false,
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'claude-direct',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${sim}/u/claude-direct`,
        apiKey: 'sim-key',
        domains: ['anthropic-model-layer'],
      },
      {
        id: 'claude-bedrock',
        provider: 'bedrock',
        region: 'us-east-1',
        model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        baseUrl: `${sim}/u/claude-bedrock`,
        domains: ['anthropic-model-layer', 'aws-us-east-1'],
      },
      {
        id: 'gemini',
        provider: 'gemini',
        model: 'gemini-2.5-pro',
        baseUrl: `${sim}/u/gemini`,
        apiKey: 'sim-gemini-key',
        domains: ['google'],
      },
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-direct', 'claude-bedrock', 'gemini'] }],
    timeouts: { requestMs: 20_000, connectMs: 1_000, firstTokenMs: 3_000 },
    health: { probes: { intervalMs: 200, timeoutMs: 2_000 } },
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  await control('POST', '/_sim/upstreams/claude-direct', { labels: ['anthropic-model-layer'] });
  await control('POST', '/_sim/upstreams/claude-bedrock', { labels: ['anthropic-model-layer'] });
});

afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

beforeEach(async () => {
  await control('DELETE', '/_sim/faults');
});

const tool = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object' as const,
    additionalProperties: false,
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

async function toolRoundTrip(): Promise<string> {
  const stream = client.messages.stream({
    model: 'sonnet',
    max_tokens: 200,
    tools: [tool],
    messages: [{ role: 'user', content: 'Use get_weather for Oslo.' }],
  });
  const { response } = await stream.withResponse();
  const first = await stream.finalMessage();
  expect(first.stop_reason).toBe('tool_use');
  const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
  expect(call.name).toBe('get_weather');
  const second = await client.messages
    .stream({
      model: 'sonnet',
      max_tokens: 200,
      tools: [tool],
      messages: [
        { role: 'user', content: 'Use get_weather for Oslo.' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '4C, snow' }] },
      ],
    })
    .finalMessage();
  expect(second.stop_reason).toBe('end_turn');
  expect(second.content[0]?.type).toBe('text');
  return response.headers.get('x-switchyard-deployment') ?? '';
}

describe('failover across clouds and families', () => {
  it('fails over from Anthropic to Bedrock Claude, signed with SigV4', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    expect(await toolRoundTrip()).toBe('claude-bedrock');
    const seen = await control('GET', '/_sim/requests/claude-bedrock');
    expect(seen.url).toContain('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream');
    expect(String(seen.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(seen.body.anthropic_version).toBe('bedrock-2023-05-31');
    expect(seen.body.model).toBeUndefined();
  });

  it('moves to Gemini when the whole anthropic-model-layer domain is down, then skips the domain', async () => {
    await control('POST', '/_sim/faults', { target: 'label:anthropic-model-layer', kind: 'error', status: 529 });
    expect(await toolRoundTrip()).toBe('gemini');
    const gemini = await control('GET', '/_sim/requests/gemini');
    expect(gemini.url).toContain('/v1beta/models/gemini-2.5-pro:streamGenerateContent');
    expect(gemini.headers['x-goog-api-key']).toBe('sim-gemini-key');
    const declared = JSON.stringify(gemini.body.tools);
    expect(declared).not.toContain('$schema');
    expect(declared).not.toContain('additionalProperties');

    // Traffic keeps flowing (every request served by Gemini) until health has seen enough to act.
    const domain = await eventually(
      async () => {
        await client.messages.create({ model: 'sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
        const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as {
          domains: Array<{ name: string; state: string }>;
        };
        return health.domains.find((entry) => entry.name === 'anthropic-model-layer')!;
      },
      (entry) => entry.state === 'degraded',
      60,
    );
    expect(domain.state).toBe('degraded');
    // Once the domain is degraded, a request goes straight to the other family: one attempt.
    const { response } = await client.messages
      .create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('gemini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
  });
});
