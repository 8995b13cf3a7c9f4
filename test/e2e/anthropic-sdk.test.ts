// The official Anthropic SDK as the client, against gateway + simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, providerKey, type Harness } from './harness.js';

let harness: Harness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startHarness();
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());
beforeEach(async () => harness.clearFaults());

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic SDK through Switchyard', () => {
  it('answers a non-streaming request and says who served it', async () => {
    const { data, response } = await client.messages
      .create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello.' }] })
      .withResponse();
    expect(data.type).toBe('message');
    // The model that answered (the deployment's), not the route name the client asked for.
    expect(data.model).toBe('claude-sonnet-4-6');
    expect(data.content[0]?.type).toBe('text');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-a');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it("forwards the client body byte for byte, with only the deployment's model written in when the route named another", async () => {
    // Spacing, key order and escapes no serialiser would reproduce: only the client's own bytes match.
    const body =
      '{ "max_tokens" : 20,\n  "messages": [ { "role": "user", "content": "Say \\u0068ello." } ],\n  "model": "claude-sonnet-4-6", "metadata": {"user_id": "u-1"} }';
    const send = (text: string) =>
      fetch(`${harness.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': 'client-secret-key',
          'anthropic-version': '2023-06-01',
        },
        body: text,
      });
    const same = await send(body);
    expect(same.status).toBe(200);
    expect(same.headers.get('x-switchyard-deployment')).toBe('claude-a');
    expect(harness.simulator.requests('claude-a').at(-1)?.text).toBe(body);
    // The route name as the model: the deployment's model id is written in, and nothing else moves.
    const renamed = body.replace('"claude-sonnet-4-6"', '"sonnet"');
    const edited = await send(renamed);
    expect(edited.status).toBe(200);
    expect(harness.simulator.requests('claude-a').at(-1)?.text).toBe(body);
  });

  it('streams through the SDK helper to a final message', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Stream please.' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(message.content[0]?.type).toBe('text');
    expect(texts.join('')).toBe((message.content[0] as Anthropic.TextBlock).text);
    expect(texts.length).toBeGreaterThan(1);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('forwards anthropic-beta and the version, never the client key', async () => {
    await client.messages.create(
      { model: 'only-claude', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14' } },
    );
    const seen = await harness.lastRequest('claude-a');
    expect(seen.headers['anthropic-beta']).toBe('context-1m-2025-08-07,interleaved-thinking-2025-05-14');
    expect(seen.headers['anthropic-version']).toBeTruthy();
    expect(seen.headers['x-api-key']).toBe(providerKey);
    expect(JSON.stringify(seen.headers)).not.toContain('client-secret-key');
    expect(seen.body.model).toBe('claude-sonnet-4-6');
  });

  it('accepts the Claude Code request shape (?beta=true, role system in messages, adaptive thinking)', async () => {
    const response = await fetch(`${harness.gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'client-secret-key',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219,context-management-2025-06-27',
      },
      body: JSON.stringify({
        model: 'sonnet',
        max_tokens: 32000,
        stream: true,
        thinking: { type: 'adaptive' },
        context_management: { edits: [] },
        output_config: { effort: 'high' },
        metadata: { user_id: JSON.stringify({ device_id: 'd', session_id: 's' }) },
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=sdk-cli;' },
          { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'List files.' }] },
          { role: 'system', content: 'Mid-conversation reminder.' },
          { role: 'user', content: 'Go.' },
        ],
        tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } }],
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('event: message_start')).toBe(true);
    expect(text.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
    const seen = await harness.lastRequest('claude-a');
    expect(seen.body.context_management).toEqual({ edits: [] });
    expect(seen.body.thinking).toEqual({ type: 'adaptive' });
  });

  it('relays server-side compaction: the beta SDK gets the compaction block whole, as straight from the upstream', async () => {
    const compacting = {
      max_tokens: 200,
      betas: ['compact-2026-01-12'],
      context_management: {
        edits: [{ type: 'compact_20260112' as const, trigger: { type: 'input_tokens' as const, value: 5 } }],
      },
      messages: [
        { role: 'user' as const, content: 'Plan the lighthouse survey.' },
        { role: 'assistant' as const, content: 'Start with the northern coast.' },
        { role: 'user' as const, content: 'Go on.' },
      ],
    };
    const direct = new Anthropic({ baseURL: `${harness.simulator.url}/u/claude-a`, apiKey: 'sk-sim', maxRetries: 0 });
    const upstream = await direct.beta.messages.stream({ ...compacting, model: 'claude-sonnet-4-6' }).finalMessage();
    const stream = client.beta.messages.stream({ ...compacting, model: 'only-claude' });
    const through = await stream.finalMessage();
    const compaction = through.content[0] as Anthropic.Beta.BetaCompactionBlock;
    expect(compaction.type).toBe('compaction');
    expect(compaction.content).toContain('lighthouse survey');
    expect(compaction.encrypted_content).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    // Everything but the message id (the simulator numbers its answers) is what the upstream sends.
    expect({ ...through, id: '' }).toEqual({ ...upstream, id: '' });
    expect(through.usage.iterations?.map((iteration) => iteration.type)).toEqual(['compaction', 'message']);
    expect((await harness.lastRequest('claude-a')).body.context_management).toEqual(compacting.context_management);
  });

  it('completes a tool round trip, streaming', async () => {
    const first = await client.messages
      .stream({
        model: 'sonnet',
        max_tokens: 200,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Use get_weather for Paris.' }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(call?.name).toBe('get_weather');
    expect(typeof (call!.input as { city?: unknown }).city).toBe('string');
    const second = await client.messages.create({
      model: 'sonnet',
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Use get_weather for Paris.' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: '18C and sunny' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.type).toBe('text');
  });

  it('fails over a tool conversation to GPT with tool_use ids longer than OpenAI takes, hashed in pairs', async () => {
    await harness.fault({ target: 'claude-a', kind: 'error', status: 529 });
    // A valid Anthropic id of 50 characters: OpenAI refuses tool call ids over 40 (the simulator does too).
    const longId = `toolu_${'A1b2C3d4'.repeat(5)}xyzw`;
    const message = await client.messages.create({
      model: 'claude-then-gpt',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: longId, name: 'get_weather', input: { city: 'Oslo' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: longId, content: '4°C and clear' }] },
      ],
    });
    expect(message.model).toBe('gpt-5');
    expect(message.content[0]?.type).toBe('text');
    const sent = (await harness.lastRequest('gpt-b')).body.messages as Array<Record<string, any>>;
    const callId = sent[1]?.tool_calls?.[0]?.id as string;
    expect(callId.length).toBeLessThanOrEqual(40);
    expect(callId).not.toBe(longId);
    expect(sent[2]?.tool_call_id).toBe(callId);
  });

  it('lists models and counts tokens', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['claude-sonnet-4-6', 'sonnet']));
    const counted = await client.messages.countTokens({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Count these words please.' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    // Asked of the Anthropic deployment itself, with its own key.
    const seen = (await harness.lastRequest('claude-a')) as unknown as {
      url: string;
      headers: Record<string, string>;
      body: Record<string, unknown>;
    };
    expect(seen.url).toContain('/v1/messages/count_tokens');
    expect(seen.headers['x-api-key']).toBe(providerKey);
    expect(seen.body.model).toBe('claude-sonnet-4-6');
  });

  it('estimates the count when the Anthropic deployment does not answer in time', async () => {
    await harness.fault({ target: 'claude-*', kind: 'hang' });
    const text = 'Count these words please, even with every upstream hung.';
    const counted = await client.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: text }] });
    expect(counted.input_tokens).toBeGreaterThan(text.length / 4);
  });
});
