// The Anthropic Messages dialect on the wire: JSON and SSE shapes, tool calls, checks, count_tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import {
  anthropicBody,
  anthropicHeaders,
  askFor,
  control,
  postJson,
  postSse,
  weatherToolSchema,
} from './simulator-client.js';

let simulator: RunningSimulator;
let messagesUrl: string;

beforeAll(async () => {
  simulator = await startSimulator();
  messagesUrl = `${simulator.url}/u/claude-a/v1/messages`;
});
afterAll(() => simulator.close());

describe('Anthropic JSON replies', () => {
  it('answers a message in the API shape, with the request model and realistic usage', async () => {
    const reply = await postJson(messagesUrl, anthropicBody(), anthropicHeaders);
    expect(reply.status).toBe(200);
    expect(reply.headers['request-id']).toMatch(/^req_/);
    const message = reply.json;
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toHaveLength(1);
    expect(message.content[0].type).toBe('text');
    expect(message.content[0].text).toContain('Tell me about lighthouses');
    const words = message.content[0].text.split(' ').length;
    expect(message.usage.output_tokens).toBe(words);
    // "Tell me about lighthouses" is 25 characters: about 7 tokens.
    expect(message.usage.input_tokens).toBe(7);
    expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('gives the same reply to the same request and a different one to different words', async () => {
    const first = await postJson(messagesUrl, anthropicBody(), anthropicHeaders);
    const second = await postJson(messagesUrl, anthropicBody(), anthropicHeaders);
    const other = await postJson(
      messagesUrl,
      anthropicBody({ messages: [{ role: 'user', content: 'Something else entirely' }] }),
      anthropicHeaders,
    );
    expect(second.json.content).toEqual(first.json.content);
    expect(other.json.content[0].text).not.toEqual(first.json.content[0].text);
  });

  it('truncates at max_tokens and says so', async () => {
    const reply = await postJson(messagesUrl, anthropicBody({ max_tokens: 3 }), anthropicHeaders);
    expect(reply.json.stop_reason).toBe('max_tokens');
    expect(reply.json.usage.output_tokens).toBe(3);
    expect(reply.json.content[0].text).toBe('You said: Tell');
  });

  it('stops at a stop sequence that occurs in the reply', async () => {
    const reply = await postJson(
      messagesUrl,
      anthropicBody({ stop_sequences: ['never-there', 'about'] }),
      anthropicHeaders,
    );
    expect(reply.json.stop_reason).toBe('stop_sequence');
    expect(reply.json.stop_sequence).toBe('about');
    expect(reply.json.content[0].text).toBe('You said: Tell me ');
  });

  it('calls the tool the prompt names with an input that satisfies its schema', async () => {
    const tools = [
      { name: 'other', input_schema: { type: 'object', properties: {} } },
      { name: 'get_weather', description: 'Weather', input_schema: weatherToolSchema },
    ];
    const reply = await postJson(
      messagesUrl,
      anthropicBody({ tools, messages: askFor('get_weather') }),
      anthropicHeaders,
    );
    expect(reply.json.stop_reason).toBe('tool_use');
    expect(reply.json.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'sample', days: 1, units: 'metric' },
      },
    ]);
  });

  it('honours tool_choice none and a named tool', async () => {
    const tools = [
      { name: 'first', input_schema: { type: 'object' } },
      {
        name: 'second',
        input_schema: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] },
      },
    ];
    const none = await postJson(messagesUrl, anthropicBody({ tools, tool_choice: { type: 'none' } }), anthropicHeaders);
    expect(none.json.content[0].type).toBe('text');
    const named = await postJson(
      messagesUrl,
      anthropicBody({ tools, tool_choice: { type: 'tool', name: 'second' } }),
      anthropicHeaders,
    );
    expect(named.json.content[0]).toMatchObject({ type: 'tool_use', name: 'second', input: { flag: true } });
  });

  it('answers a tool result with text that mentions the result', async () => {
    const tools = [{ name: 'get_weather', input_schema: weatherToolSchema }];
    const messages = [
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny and 21 degrees' }] },
    ];
    const reply = await postJson(messagesUrl, anthropicBody({ tools, messages }), anthropicHeaders);
    expect(reply.json.stop_reason).toBe('end_turn');
    expect(reply.json.content[0].type).toBe('text');
    expect(reply.json.content[0].text).toContain('The tool get_weather returned: Sunny and 21 degrees');
  });

  it('accepts mid-conversation system turns as Claude Code sends them', async () => {
    const messages = [
      { role: 'user', content: 'First question' },
      { role: 'system', content: 'Be brief.' },
    ];
    const reply = await postJson(messagesUrl, anthropicBody({ messages }), anthropicHeaders);
    expect(reply.status).toBe(200);
    expect(reply.json.content[0].text).toContain('First question');
  });
});

describe('Anthropic streams', () => {
  it('sends the exact event sequence with matching indices and cumulative usage', async () => {
    const reply = await postSse(`${messagesUrl}?beta=true`, anthropicBody({ stream: true }), anthropicHeaders);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/event-stream/);
    const names = reply.events.map((event) => event.event);
    for (const event of reply.events) expect(JSON.parse(event.data).type).toBe(event.event);
    const deltas = names.filter((name) => name === 'content_block_delta').length;
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array.from({ length: deltas }, () => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const start = JSON.parse(reply.events[0]!.data);
    expect(start.message).toMatchObject({
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
    });
    const text = reply.events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => JSON.parse(event.data))
      .map((data) => {
        expect(data.index).toBe(0);
        return data.delta.text as string;
      })
      .join('');
    const json = await postJson(messagesUrl, anthropicBody(), anthropicHeaders);
    expect(text).toBe(json.json.content[0].text);
    const messageDelta = JSON.parse(reply.events[reply.events.length - 2]!.data);
    expect(messageDelta.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
    expect(messageDelta.usage.output_tokens).toBe(deltas);
    expect(messageDelta.usage.input_tokens).toBe(start.message.usage.input_tokens);
  });

  it('streams a tool call as input_json_delta fragments that concatenate to the input', async () => {
    const tools = [{ name: 'get_weather', input_schema: weatherToolSchema }];
    const reply = await postSse(
      messagesUrl,
      anthropicBody({ stream: true, tools, messages: askFor('get_weather') }),
      anthropicHeaders,
    );
    const data = reply.events.map((event) => JSON.parse(event.data));
    const blockStart = data.find((event) => event.type === 'content_block_start');
    expect(blockStart.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const json = data
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'sample', days: 1, units: 'metric' });
    expect(data.find((event) => event.type === 'message_delta').delta.stop_reason).toBe('tool_use');
  });
});

describe('Anthropic checks', () => {
  it('refuses a request without a key with authentication_error', async () => {
    const { 'x-api-key': _key, ...headers } = anthropicHeaders;
    const reply = await postJson(messagesUrl, anthropicBody(), headers);
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(reply.json.request_id).toMatch(/^req_/);
  });

  it('accepts Authorization: Bearer instead of x-api-key', async () => {
    const { 'x-api-key': _key, ...headers } = anthropicHeaders;
    const reply = await postJson(messagesUrl, anthropicBody(), { ...headers, authorization: 'Bearer sk-ant-token' });
    expect(reply.status).toBe(200);
  });

  it('refuses a request without anthropic-version', async () => {
    const { 'anthropic-version': _version, ...headers } = anthropicHeaders;
    const reply = await postJson(messagesUrl, anthropicBody(), headers);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
  });

  it.each([
    ['model', 'model: Field required'],
    ['max_tokens', 'max_tokens: Field required'],
    ['messages', 'messages: Field required'],
  ])('refuses a body without %s', async (field, message) => {
    const body = anthropicBody();
    delete body[field];
    const reply = await postJson(messagesUrl, body, anthropicHeaders);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message } });
  });

  it('counts refused requests as rejected, not failed', async () => {
    await control(simulator.url, 'DELETE', '/_sim/stats');
    await postJson(`${simulator.url}/u/claude-rejects/v1/messages`, { model: 'x' }, anthropicHeaders);
    expect(simulator.stats().upstreams['claude-rejects']).toMatchObject({
      requests: 1,
      rejected: 1,
      failed: 0,
      succeeded: 0,
    });
  });
});

describe('Anthropic side endpoints', () => {
  it('counts tokens the same way messages reports input usage', async () => {
    const body = anthropicBody({ system: 'You are a lighthouse keeper.' });
    const counted = await postJson(
      `${messagesUrl}/count_tokens`,
      { model: body.model, system: body.system, messages: body.messages },
      anthropicHeaders,
    );
    const message = await postJson(messagesUrl, body, anthropicHeaders);
    expect(counted.status).toBe(200);
    expect(counted.json).toEqual({ input_tokens: message.json.usage.input_tokens });
  });

  it('lists models in Anthropic format when the client sends Anthropic headers', async () => {
    const { request } = await import('undici');
    const response = await request(`${simulator.url}/u/claude-a/v1/models`, { headers: anthropicHeaders });
    const body = (await response.body.json()) as { data: Array<{ type: string; id: string }>; has_more: boolean };
    expect(response.statusCode).toBe(200);
    expect(body.has_more).toBe(false);
    expect(body.data[0]?.type).toBe('model');
  });
});
