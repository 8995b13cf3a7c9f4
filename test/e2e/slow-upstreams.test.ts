// Slow and broken upstreams as the official SDKs see them: a slow first attempt rescued by a hedge
// (and the hedge visible in headers, /metrics and /admin/health), a slow primary that keeps losing its
// hedge races taken out so later requests no longer pay the hedge delay, a 20 s first token failed over after
// the learned limit, a stream cut after content continued on a deployment that supports prefill, and a
// prefill-less fallback that leaves the client the ORIGINAL cause. Real gateway, real simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { type RunningGateway, startGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/simulator.js';
import { resetFaultsAndHealth } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let anthropic: Anthropic;
let openai: OpenAI;
const upstreamKey = ['sk', 'upstream', 'slow', 'tests'].join('-');

async function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 5 });
  for (const name of ['claude-a', 'claude-b', 'gpt-c']) {
    await control('POST', `/_sim/upstreams/${name}`, { timeToFirstTokenMs: 20, tokensPerSecond: 400 });
  }
  const claude = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    baseUrl: `${simulator.url}/u/${id}`,
    apiKey: upstreamKey,
    domains: ['anthropic-model-layer'],
    ...extra,
  });
  gateway = await startGateway({
    port: 0,
    logger: createLogger('silent'),
    config: parseConfig({
      server: { host: '127.0.0.1', port: 0 },
      deployments: [
        claude('claude-a'),
        claude('claude-b', { prefill: true }),
        {
          id: 'gpt-c',
          provider: 'openai',
          model: 'gpt-5',
          baseUrl: `${simulator.url}/u/gpt-c/v1`,
          apiKey: upstreamKey,
          domains: ['openai'],
        },
      ],
      routes: [
        { name: 'hedged', deployments: ['claude-a', 'claude-b', 'gpt-c'], hedge: { afterMs: 150 } },
        { name: 'hedged-auto', deployments: ['claude-a', 'gpt-c'], hedge: 'auto' },
        { name: 'adaptive', deployments: ['claude-a', 'claude-b'] },
        { name: 'continued', deployments: ['claude-a', 'claude-b'], continuation: 'on' },
        { name: 'no-prefill', deployments: ['claude-a', 'gpt-c'], continuation: 'on' },
      ],
      timeouts: { requestMs: 30_000, firstTokenMs: 25_000, firstTokenFactor: 5, firstTokenFloorMs: 400 },
      hedging: { budget: 1 },
      health: { probes: { enabled: false } },
      store: false,
    }),
  });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
});

beforeEach(() => resetFaultsAndHealth(simulator.url, gateway.url, ['claude-a', 'claude-b', 'gpt-c']));

const ask = (model: string) => ({ model, max_tokens: 200, messages: [{ role: 'user' as const, content: 'Hello?' }] });

describe('slow and broken upstreams', () => {
  it('rescues a slow first attempt with a hedge outside its failure domain, visible in headers, /metrics and /admin/health', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'latency', ms: 5_000 });
    const stream = anthropic.messages.stream(ask('hedged'));
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content[0]?.type).toBe('text');
    expect(response.headers.get('x-switchyard-deployment')).toBe('gpt-c');
    expect(response.headers.get('x-switchyard-hedge')).toBe('won');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_hedges_total\{route="hedged",deployment="gpt-c",result="won"\} 1/);
    const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as { hedging: { hedges: number } };
    expect(health.hedging.hedges).toBe(1);
  });

  it('takes a primary whose first token slowed to 20 s out after two lost races: later requests skip the hedge delay', async () => {
    for (let index = 0; index < 8; index += 1) await anthropic.messages.stream(ask('hedged-auto')).finalMessage();
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'latency', ms: 20_000 });
    const served = async () => {
      const stream = anthropic.messages.stream(ask('hedged-auto'));
      const { response } = await stream.withResponse();
      await stream.finalMessage();
      return ['x-switchyard-deployment', 'x-switchyard-hedge', 'x-switchyard-attempts'].map((name) =>
        response.headers.get(name),
      );
    };
    // Twice the primary is tried first, waits the hedge delay and loses its race to gpt-c…
    expect(await served()).toEqual(['gpt-c', 'won', '2']);
    expect(await served()).toEqual(['gpt-c', 'won', '2']);
    const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as {
      deployments: Array<{ id: string; state: string; reason: string }>;
    };
    expect(health.deployments.find((deployment) => deployment.id === 'claude-a')).toMatchObject({
      state: 'ejected',
      reason: expect.stringMatching(/^suspect: lost 2 hedge races, another deployment answered first/),
    });
    // …then requests go straight to gpt-c: one attempt, no hedge, no hedge delay.
    for (let index = 0; index < 3; index += 1) expect(await served()).toEqual(['gpt-c', null, '1']);
  });

  it('fails a stream whose first token takes 20 s over after the limit learned from the deployment’s usual first token', async () => {
    for (let index = 0; index < 6; index += 1) await anthropic.messages.stream(ask('adaptive')).finalMessage();
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'latency', ms: 20_000 });
    const startedAt = Date.now();
    const stream = anthropic.messages.stream(ask('adaptive'));
    const { response } = await stream.withResponse();
    await stream.finalMessage();
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    // The limit is max(5 × ~20 ms, 400 ms floor): nowhere near firstTokenMs (25 s).
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('continues a stream cut after content on a deployment that supports prefill (Anthropic SDK)', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'cut', afterEvents: 5 });
    const stream = anthropic.messages.stream(ask('continued'));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const continued = (await control('GET', '/_sim/requests/claude-b')) as { body: { messages: unknown[] } };
    const prefill = continued.body.messages.at(-1) as { role: string; content: string };
    expect(prefill.role).toBe('assistant');
    expect(prefill.content.length).toBeGreaterThan(0);
    // The client has the cut part once, followed by the continuation.
    expect(text.startsWith(prefill.content)).toBe(true);
  });

  it('continues a stream cut after content for the OpenAI SDK too', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'cut', afterEvents: 5 });
    const stream = openai.chat.completions.stream({
      model: 'continued',
      messages: [{ role: 'user', content: 'Hello?' }],
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('never masks the original cause with a prefill-less fallback: the SDK gets the cut, not a refusal', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'cut', afterEvents: 5 });
    const before =
      ((await control('GET', '/_sim/stats')) as { upstreams: Record<string, { requests: number }> }).upstreams['gpt-c']
        ?.requests ?? 0;
    const stream = anthropic.messages.stream(ask('no-prefill'));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/not continued: no other deployment that supports prefill/);
    const after =
      ((await control('GET', '/_sim/stats')) as { upstreams: Record<string, { requests: number }> }).upstreams['gpt-c']
        ?.requests ?? 0;
    expect(after).toBe(before);
  });
});
