// The OpenAI Chat Completions dialect on the wire: JSON and chunk-stream shapes, tool calls, checks.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { askFor, openaiBody, openaiHeaders, postJson, postSse, weatherToolSchema } from './simulator-client.js';

let simulator: RunningSimulator;
let completionsUrl: string;

beforeAll(async () => {
  simulator = await startSimulator();
  completionsUrl = `${simulator.url}/u/gpt-b/v1/chat/completions`;
});
afterAll(() => simulator.close());

function chunksOf(events: Array<{ data: string }>): any[] {
  return events.filter((event) => event.data !== '[DONE]').map((event) => JSON.parse(event.data));
}

describe('OpenAI JSON replies', () => {
  it('answers a completion in the API shape with usage', async () => {
    const reply = await postJson(completionsUrl, openaiBody(), openaiHeaders);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBeTypeOf('string');
    const completion = reply.json;
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'gpt-5-mini' });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(Number.isInteger(completion.created)).toBe(true);
    const choice = completion.choices[0];
    expect(choice).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } });
    expect(choice.message.content).toContain('Tell me about lighthouses');
    expect(completion.usage.completion_tokens).toBe(choice.message.content.split(' ').length);
    expect(completion.usage.prompt_tokens).toBe(7);
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens);
  });

  it('finishes with length when max_completion_tokens is smaller than the reply', async () => {
    const reply = await postJson(completionsUrl, openaiBody({ max_completion_tokens: 4 }), openaiHeaders);
    expect(reply.json.choices[0].finish_reason).toBe('length');
    expect(reply.json.usage.completion_tokens).toBe(4);
    const legacy = await postJson(completionsUrl, openaiBody({ max_tokens: 2 }), openaiHeaders);
    expect(legacy.json.choices[0].message.content).toBe('You said:');
  });

  it('finishes with stop at a stop sequence', async () => {
    const reply = await postJson(completionsUrl, openaiBody({ stop: 'lighthouses' }), openaiHeaders);
    expect(reply.json.choices[0].finish_reason).toBe('stop');
    expect(reply.json.choices[0].message.content).toBe('You said: Tell me about ');
  });

  it('calls the function tool the prompt names with arguments that satisfy its schema', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: weatherToolSchema } }];
    const unasked = await postJson(completionsUrl, openaiBody({ tools }), openaiHeaders);
    expect(unasked.json.choices[0].finish_reason).toBe('stop');
    const reply = await postJson(completionsUrl, openaiBody({ tools, messages: askFor('get_weather') }), openaiHeaders);
    const choice = reply.json.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls[0]).toMatchObject({
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({
      city: 'sample',
      days: 1,
      units: 'metric',
    });
  });

  it('answers a tool message with text mentioning the result', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: weatherToolSchema } }];
    const messages = [
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Rain, 9 degrees' },
    ];
    const reply = await postJson(completionsUrl, openaiBody({ tools, messages }), openaiHeaders);
    expect(reply.json.choices[0].finish_reason).toBe('stop');
    expect(reply.json.choices[0].message.content).toContain('The tool get_weather returned: Rain, 9 degrees');
  });
});

describe('OpenAI streams', () => {
  it('sends a role chunk, content deltas, a finish chunk, the usage chunk and [DONE]', async () => {
    const reply = await postSse(
      completionsUrl,
      openaiBody({ stream: true, stream_options: { include_usage: true } }),
      openaiHeaders,
    );
    expect(reply.status).toBe(200);
    expect(reply.events.every((event) => event.event === undefined)).toBe(true);
    expect(reply.events[reply.events.length - 1]!.data).toBe('[DONE]');
    const chunks = chunksOf(reply.events);
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const finishChunk = chunks[chunks.length - 2];
    expect(finishChunk.choices[0].finish_reason).toBe('stop');
    for (const chunk of chunks.slice(0, -2)) expect(chunk.choices[0].finish_reason).toBeNull();
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk.choices).toEqual([]);
    const text = chunks
      .slice(1, -2)
      .map((chunk) => chunk.choices[0].delta.content)
      .join('');
    expect(usageChunk.usage.completion_tokens).toBe(text.split(' ').length);
    const json = await postJson(completionsUrl, openaiBody(), openaiHeaders);
    expect(text).toBe(json.json.choices[0].message.content);
  });

  it('omits usage without stream_options.include_usage', async () => {
    const reply = await postSse(completionsUrl, openaiBody({ stream: true }), openaiHeaders);
    const chunks = chunksOf(reply.events);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
  });

  it('streams tool_calls by index: id, type and name first, then argument fragments', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: weatherToolSchema } }];
    const reply = await postSse(
      completionsUrl,
      openaiBody({ stream: true, tools, messages: askFor('get_weather') }),
      openaiHeaders,
    );
    const chunks = chunksOf(reply.events);
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather' },
    });
    for (const call of calls.slice(1)) expect(Object.keys(call).sort()).toEqual(['function', 'index']);
    const argumentsJson = calls.map((call) => call.function.arguments).join('');
    expect(JSON.parse(argumentsJson)).toEqual({ city: 'sample', days: 1, units: 'metric' });
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('OpenAI checks', () => {
  it('refuses a request without a bearer key in OpenAI error shape', async () => {
    const reply = await postJson(completionsUrl, openaiBody(), { 'content-type': 'application/json' });
    expect(reply.status).toBe(401);
    expect(reply.json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(reply.json.error.message).toContain('API key');
  });

  it('refuses a body without model or messages', async () => {
    const noModel = await postJson(completionsUrl, { messages: [] }, openaiHeaders);
    expect(noModel.status).toBe(400);
    expect(noModel.json.error.message).toBe('you must provide a model parameter');
    const noMessages = await postJson(completionsUrl, { model: 'gpt-5' }, openaiHeaders);
    expect(noMessages.status).toBe(400);
    expect(noMessages.json.error).toMatchObject({
      param: 'messages',
      code: 'missing_required_parameter',
      type: 'invalid_request_error',
    });
  });

  it('lists models in OpenAI format', async () => {
    const response = await request(`${simulator.url}/u/gpt-b/v1/models`, { headers: openaiHeaders });
    const body = (await response.body.json()) as { object: string; data: Array<{ object: string }> };
    expect(body.object).toBe('list');
    expect(body.data[0]?.object).toBe('model');
  });

  it('answers 404 for a path no dialect serves', async () => {
    const response = await request(`${simulator.url}/u/gpt-b/v1/embeddings`, {
      method: 'POST',
      headers: openaiHeaders,
      body: '{}',
    });
    expect(response.statusCode).toBe(404);
    await response.body.dump();
  });
});
