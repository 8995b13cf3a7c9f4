// A client of one format served by an upstream of the other, with tools and streaming.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  harness = await startHarness();
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'client-secret-key', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());
beforeEach(async () => harness.clearFaults());

describe('cross-format', () => {
  it('serves an Anthropic client from an OpenAI upstream: streaming tool round trip', async () => {
    const tool = {
      name: 'lookup',
      description: 'Look a word up',
      input_schema: { type: 'object' as const, properties: { word: { type: 'string' } }, required: ['word'] },
    };
    const first = await anthropic.messages
      .stream({
        model: 'only-gpt',
        max_tokens: 200,
        system: 'Be brief.',
        tools: [tool],
        messages: [{ role: 'user', content: 'Define gateway with lookup.' }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(call?.name).toBe('lookup');
    const seen = await harness.lastRequest('gpt-a');
    expect((seen.body.messages as Array<{ role: string }>)[0]?.role).toBe('system');
    expect(seen.headers.authorization).toBe('Bearer sk-provider-secret-0123456789');

    const second = await anthropic.messages
      .stream({
        model: 'only-gpt',
        max_tokens: 200,
        tools: [tool],
        messages: [
          { role: 'user', content: 'Define gateway with lookup.' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'a point of entry' }] },
        ],
      })
      .finalMessage();
    expect(second.stop_reason).toBe('end_turn');
    const toolMessage = (
      (await harness.lastRequest('gpt-a')).body.messages as Array<{ role: string; tool_call_id?: string }>
    ).find((message) => message.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe(call!.id);
  });

  it('serves an OpenAI client from an Anthropic upstream: streaming tool round trip', async () => {
    const tool: OpenAI.ChatCompletionTool = {
      type: 'function',
      function: {
        name: 'lookup',
        parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
      },
    };
    const first = await openai.chat.completions
      .stream({
        model: 'only-claude',
        tools: [tool],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Define gateway with lookup.' },
        ],
      })
      .finalChatCompletion();
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('lookup');
    const seen = await harness.lastRequest('claude-a');
    expect(seen.body.system).toBeTruthy();
    expect(seen.headers['x-api-key']).toBe('sk-provider-secret-0123456789');

    const second = await openai.chat.completions
      .stream({
        model: 'only-claude',
        tools: [tool],
        stream_options: { include_usage: true },
        messages: [
          { role: 'user', content: 'Define gateway with lookup.' },
          first.choices[0]!.message as OpenAI.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: call!.id, content: 'a point of entry' },
        ],
      })
      .finalChatCompletion();
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.usage?.prompt_tokens).toBeGreaterThan(0);
    const anthropicBody = (await harness.lastRequest('claude-a')).body as {
      messages: Array<{ role: string; content: Array<{ type: string }> }>;
    };
    expect(anthropicBody.messages.at(-1)?.content[0]?.type).toBe('tool_result');
  });

  it('fails an Anthropic client over from Claude to an OpenAI-format deployment', async () => {
    await harness.fault({ target: 'claude-a', kind: 'error', status: 529 });
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-then-gpt', max_tokens: 100, messages: [{ role: 'user', content: 'Hello?' }] })
      .withResponse();
    expect(data.content[0]?.type).toBe('text');
    expect(response.headers.get('x-switchyard-deployment')).toBe('gpt-b');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });
});
