// Lenient streams on the translation lane: when the client's format differs from the upstream's, an
// event the gateway cannot parse is skipped, counted in /metrics, and the client — through its own
// SDK's strict stream parser — gets the whole answer, exactly as from the same upstream without the
// bad event. (The relay lane's twin is in test/relay/relay-byte-equality.test.ts.)
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/gateway.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startSimulatedGateway } from '../support/simulated-gateway.js';
import { claudeDirectAndBedrock, simulatorControl } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ simulator, gateway, close } = await startSimulatedGateway(11, (sim) => ({
    deployments: [
      ...claudeDirectAndBedrock(sim),
      { id: 'gpt', provider: 'openai', model: 'gpt-5', baseUrl: `${sim}/u/gpt/v1`, apiKey: 'sim-key' },
      { id: 'gemini', provider: 'gemini', model: 'gemini-2.5-pro', baseUrl: `${sim}/u/gemini`, apiKey: 'sim-key' },
    ],
    routes: [
      { name: 'claude', deployments: ['claude-direct'] },
      { name: 'bedrock', deployments: ['claude-bedrock'] },
      { name: 'gpt', deployments: ['gpt'] },
      { name: 'gemini', deployments: ['gemini'] },
    ],
    health: { probes: { enabled: false } },
  })));
});

afterAll(() => close());

beforeEach(async () => {
  await simulatorControl(simulator.url)('DELETE', '/_sim/faults');
});

const garble = (target: string) =>
  simulatorControl(simulator.url)('POST', '/_sim/faults', { target, kind: 'malformed-event' });

async function skippedCount(provider: string): Promise<number> {
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = new RegExp(`switchyard_skipped_upstream_events_total\\{provider="${provider}"\\} (\\d+)`).exec(metrics);
  return Number(line?.[1] ?? 0);
}

const prompt = 'Tell me about lighthouses in two sentences.';

describe('Anthropic SDK client, translated upstream streams', () => {
  const client = () => new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  const streamText = async (model: string) => {
    const stream = client().messages.stream({ model, max_tokens: 200, messages: [{ role: 'user', content: prompt }] });
    const message = await stream.finalMessage();
    return { text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), message };
  };

  it.each([
    ['gpt', 'openai'],
    ['gemini', 'gemini'],
  ])('route %s: a garbled event is skipped and the answer is whole', async (route, provider) => {
    const clean = await streamText(route);
    const before = await skippedCount(provider);
    await garble(route);
    const garbled = await streamText(route);
    expect(garbled.text.length).toBeGreaterThan(0);
    expect(garbled.text).toBe(clean.text);
    expect(garbled.message.stop_reason).toBe('end_turn');
    expect(await skippedCount(provider)).toBe(before + 1);
  });
});

describe('OpenAI SDK client, translated upstream streams', () => {
  const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  const streamText = async (model: string) => {
    const stream = await client().chat.completions.create({
      model,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    return { text, finish };
  };

  it.each([
    ['claude', 'anthropic', 'claude-direct'],
    ['bedrock', 'bedrock', 'claude-bedrock'],
  ])('route %s: a garbled event is skipped and the answer is whole', async (route, provider, upstream) => {
    const clean = await streamText(route);
    const before = await skippedCount(provider);
    await garble(upstream);
    const garbled = await streamText(route);
    expect(garbled.text.length).toBeGreaterThan(0);
    expect(garbled.text).toBe(clean.text);
    expect(garbled.finish).toBe('stop');
    expect(await skippedCount(provider)).toBe(before + 1);
  });
});
