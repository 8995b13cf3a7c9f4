// The official OpenAI SDK as the client, against gateway + simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;
let client: OpenAI;

beforeAll(async () => {
  harness = await startHarness();
  client = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());
beforeEach(async () => harness.clearFaults());

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('OpenAI SDK through Switchyard', () => {
  it('answers a non-streaming request', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'only-gpt', messages: [{ role: 'user', content: 'Say hello.' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    // The model that answered (the deployment's), not the route name the client asked for.
    expect(data.model).toBe('gpt-5-mini');
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-deployment')).toBe('gpt-a');
  });

  it('streams through the SDK helper with usage', async () => {
    const stream = client.chat.completions.stream({
      model: 'only-gpt',
      messages: [{ role: 'user', content: 'Stream please.' }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBeTruthy();
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('completes a tool round trip, streaming', async () => {
    const first = await client.chat.completions
      .stream({
        model: 'only-gpt',
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Use get_weather for Paris.' }],
      })
      .finalChatCompletion();
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '{}') as { city?: unknown };
    expect(typeof args.city).toBe('string');
    const second = await client.chat.completions.create({
      model: 'only-gpt',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Use get_weather for Paris.' },
        first.choices[0]!.message as OpenAI.ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: call!.id, content: '18C and sunny' },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['only-gpt', 'gpt-5']));
  });
});
