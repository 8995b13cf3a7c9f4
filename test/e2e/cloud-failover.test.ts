// The end-to-end path with the Anthropic SDK as the client: a route whose primary is
// simulated Anthropic fails over to simulated Bedrock Claude (SigV4-signed with credentials from
// the standard AWS chain), and — with the whole anthropic-model-layer domain down — to simulated
// Gemini, streaming and with a tool round trip.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeDirectAndBedrock, simulatorControl } from '../support/simulator-setup.js';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningGateway } from '../../src/server/gateway.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startSimulatedGateway } from '../support/simulated-gateway.js';
import { eventually } from './harness.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let client: Anthropic;

/** Each deployment with its failure domains. */
const withDomains = (deployments: Record<string, unknown>[], domains: string[][]) =>
  deployments.map((deployment, index) => ({ ...deployment, domains: domains[index] }));

const control = (method: string, path: string, body?: unknown) =>
  simulatorControl(simulator.url)(method, path, body).then(
    (response) => response.json() as Promise<Record<string, any>>,
  );

beforeAll(async () => {
  ({ simulator, gateway } = await startSimulatedGateway(5, (sim) => ({
    deployments: [
      ...withDomains(claudeDirectAndBedrock(sim), [
        ['anthropic-model-layer'],
        ['anthropic-model-layer', 'aws-us-east-1'],
      ]),
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
  })));
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

interface DirectHealth {
  id: string;
  state: string;
  consecutiveFailures: number;
  failureRate: number;
}

async function directHealth(): Promise<DirectHealth> {
  const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as { deployments: DirectHealth[] };
  return health.deployments.find((deployment) => deployment.id === 'claude-direct')!;
}

describe('failover across clouds and families', () => {
  it('fails over a 400 that says the platform lacks a beta, and does not blame the deployment for it', async () => {
    const message =
      'Unexpected value(s) `claude-code-20250219` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.';
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 400, message });
    for (let index = 0; index < 6; index += 1) {
      const { response } = await client.messages
        .create({ model: 'sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();
      expect(response.headers.get('x-switchyard-deployment')).toBe('claude-bedrock');
      expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    }
    const after = await directHealth();
    expect(after.state).toBe('healthy');
    expect(after.consecutiveFailures).toBe(0);
    expect(after.failureRate).toBe(0);
  });

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

  it('bridges a Claude Code request to Bedrock: first-party-only betas and fields removed, and said so', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    const claudeCodeBody = {
      model: 'sonnet',
      max_tokens: 32000,
      thinking: { type: 'adaptive' },
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      output_config: { effort: 'high' },
      metadata: { user_id: JSON.stringify({ device_id: 'd'.repeat(64), session_id: 's'.repeat(36) }) },
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli; cch=0;' },
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: 'Say hi.' },
        { role: 'system', content: 'The user switched to plan mode.' },
        { role: 'user', content: 'Briefly.' },
      ],
    };
    const betas = [
      'claude-code-20250219',
      'context-1m-2025-08-07',
      'interleaved-thinking-2025-05-14',
      'context-management-2025-06-27',
      'effort-2025-11-24',
      'prompt-caching-scope-2026-01-05',
    ];
    const stream = client.beta.messages.stream({
      ...(claudeCodeBody as unknown as Anthropic.Beta.MessageCreateParamsStreaming),
      betas,
    });
    const { response } = await stream.withResponse();
    const data = await stream.finalMessage();
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-bedrock');
    expect(data.content.some((block) => block.type === 'text')).toBe(true);
    expect(response.headers.get('x-switchyard-removed')).toBe(
      'beta=claude-code-20250219,beta=context-1m-2025-08-07,beta=context-management-2025-06-27,' +
        'beta=prompt-caching-scope-2026-01-05,field=context_management,field=metadata',
    );
    const seen = await control('GET', '/_sim/requests/claude-bedrock');
    expect(seen.body.anthropic_beta).toEqual(['interleaved-thinking-2025-05-14', 'effort-2025-11-24']);
    expect(seen.body.context_management).toBeUndefined();
    expect(seen.body.output_config).toEqual({ effort: 'high' });
    // Claude Code's attribution block reaches Claude wherever it runs; system turns are hoisted.
    expect(seen.body.system[0].text).toMatch(/^x-anthropic-billing-header:/);
    expect(seen.body.system.at(-1)).toEqual({ type: 'text', text: 'The user switched to plan mode.' });
    // What the direct upstream would have received is the client's request untouched.
    const direct = await control('GET', '/_sim/requests/claude-direct');
    expect(direct.headers['anthropic-beta']).toBe(betas.join(','));
    expect(direct.body.context_management).toEqual(claudeCodeBody.context_management);
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
