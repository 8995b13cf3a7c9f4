// What the simulated providers add beside the model's words, read through the official SDKs and
// on the raw wire: Anthropic's server-side web search with citations (JSON and SSE, and a wire
// fixture of the stream), context_management, rate-limit headers; OpenAI's identifier and
// output-token limits; the malformed-event fault.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { anthropicBody, anthropicHeaders, control, openaiHeaders, postJson, postRaw } from './simulator-client.js';

let simulator: RunningSimulator;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator();
  anthropic = new Anthropic({ baseURL: `${simulator.url}/u/claude-a`, apiKey: 'sk-ant-sim', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${simulator.url}/u/gpt-a/v1`, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(() => simulator.close());

const webSearchRequest = {
  model: 'claude-sonnet-4-6',
  max_tokens: 1000,
  tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 3 }],
  messages: [{ role: 'user' as const, content: 'Perform a web search for the query: lighthouse history' }],
};

describe('Anthropic web search', () => {
  it('answers with server_tool_use, the search results and cited text, the same in JSON and SSE', async () => {
    const message = await anthropic.messages.create(webSearchRequest);
    expect(message.content.map((block) => block.type)).toEqual([
      'server_tool_use',
      'web_search_tool_result',
      'text',
      'text',
      'text',
      'text',
      'text',
    ]);
    const search = message.content[0] as Anthropic.ServerToolUseBlock;
    expect(search.input).toEqual({ query: 'lighthouse history' });
    const results = message.content[1] as Anthropic.WebSearchToolResultBlock;
    const urls = (results.content as Anthropic.WebSearchResultBlock[]).map((result) => result.url);
    expect(urls).toHaveLength(2);
    const cited = message.content
      .filter((block): block is Anthropic.TextBlock => block.type === 'text')
      .flatMap((block) => block.citations ?? []) as Anthropic.CitationsWebSearchResultLocation[];
    expect(cited.map((citation) => citation.url)).toEqual(urls);
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);

    // The SDK rebuilds the streamed message from input_json_delta and citations_delta: the same content.
    const streamed = await anthropic.messages.stream(webSearchRequest).finalMessage();
    expect(streamed.content).toEqual(message.content);
  });

  it('streams exactly the recorded wire fixture', async () => {
    const fresh = await startSimulator();
    try {
      const reply = await postRaw(
        `${fresh.url}/u/claude-a/v1/messages`,
        { ...webSearchRequest, stream: true },
        anthropicHeaders,
      );
      const fixture = readFileSync(
        new URL('../fixtures/anthropic/simulated-web-search.sse.txt', import.meta.url),
        'utf8',
      );
      expect(reply.text).toBe(fixture);
    } finally {
      await fresh.close();
    }
  });

  it('answers plain text when the request offers web search but does not ask for it', async () => {
    const message = await anthropic.messages.create({
      ...webSearchRequest,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message.content.map((block) => block.type)).toEqual(['text']);
  });
});

describe('Anthropic first-party fields and headers', () => {
  it('reports context_management edits, the cache_creation split and service_tier', async () => {
    const toolTurns = [1, 2, 3].flatMap((index) => [
      {
        role: 'assistant' as const,
        content: [{ type: 'tool_use' as const, id: `toolu_${index}`, name: 'Read', input: {} }],
      },
      {
        role: 'user' as const,
        content: [{ type: 'tool_result' as const, tool_use_id: `toolu_${index}`, content: 'file' }],
      },
    ]);
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      messages: [{ role: 'user', content: 'Read three files' }, ...toolTurns],
    };
    const reply = await postJson(`${simulator.url}/u/claude-a/v1/messages`, body, anthropicHeaders);
    expect(reply.json.context_management).toEqual({
      applied_edits: [{ type: 'clear_tool_uses_20250919', cleared_tool_uses: 1, cleared_input_tokens: 50 }],
    });
    expect(reply.json.usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 });
    expect(reply.json.usage.service_tier).toBe('standard');
    const streamed = await postRaw(
      `${simulator.url}/u/claude-a/v1/messages`,
      { ...body, stream: true },
      anthropicHeaders,
    );
    const delta = streamed.text.split('\n').find((line) => line.startsWith('data: {"type":"message_delta"'))!;
    expect(JSON.parse(delta.slice('data: '.length)).context_management).toEqual(reply.json.context_management);
  });

  it('sends the rate-limit headers, spent on a 429', async () => {
    const first = await anthropic.messages
      .create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'a' }] })
      .withResponse();
    const second = await anthropic.messages
      .create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'b' }] })
      .withResponse();
    const remaining = (response: Response) => Number(response.headers.get('anthropic-ratelimit-requests-remaining'));
    expect(first.response.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    expect(remaining(second.response)).toBe(remaining(first.response) - 1);
    expect(first.response.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'claude-limited', kind: 'error', status: 429 });
    const limited = await postJson(
      `${simulator.url}/u/claude-limited/v1/messages`,
      { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'c' }] },
      anthropicHeaders,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    expect(limited.headers['retry-after']).toBe('1');
  });
});

describe('OpenAI limits', () => {
  it('refuses identifiers longer than 64 characters and an output cap above the model limit, as OpenAI words it', async () => {
    const tooLong = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], safety_identifier: 'u'.repeat(150) })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.BadRequestError>);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      "Invalid 'safety_identifier': string too long. Expected a string with maximum length 64, but got a string with length 150 instead.",
    );
    const tooMany = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 32_000 })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.BadRequestError>);
    expect((tooMany as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      'max_tokens is too large: 32000. This model supports at most 16384 completion tokens',
    );
    const reasoning = await openai.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.BadRequestError>);
    expect((reasoning as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
    const fine = await openai.chat.completions
      .create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 16_384,
        safety_identifier: 'u'.repeat(64),
      })
      .withResponse();
    expect(fine.data.choices[0]?.message.content).toBeTruthy();
    expect(fine.response.headers.get('x-ratelimit-limit-requests')).toBe('4000');
    expect(fine.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+s$/);
  });
});

describe('tool call ids', () => {
  const call = (id: string) => ({ id, type: 'function', function: { name: 'weather', arguments: '{}' } });

  it('OpenAI refuses a tool call id over 40 characters, on the call and on the tool message', async () => {
    const id = 'c'.repeat(41);
    const onCall = await postJson(
      `${simulator.url}/u/gpt-ids/v1/chat/completions`,
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', tool_calls: [call(id)] },
          { role: 'tool', tool_call_id: 'short', content: 'ok' },
        ],
      },
      openaiHeaders,
    );
    expect(onCall.status).toBe(400);
    expect(onCall.json.error).toMatchObject({
      param: 'messages[1].tool_calls[0].id',
      code: 'string_above_max_length',
      message:
        "Invalid 'messages[1].tool_calls[0].id': string too long. Expected a string with maximum length 40, but got a string with length 41 instead.",
    });
    const onResult = await postJson(
      `${simulator.url}/u/gpt-ids/v1/chat/completions`,
      { model: 'gpt-4o', messages: [{ role: 'tool', tool_call_id: id, content: 'ok' }] },
      openaiHeaders,
    );
    expect(onResult.json.error?.param).toBe('messages[0].tool_call_id');
    const fits = await postJson(
      `${simulator.url}/u/gpt-ids/v1/chat/completions`,
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', tool_calls: [call('c'.repeat(40))] },
          { role: 'tool', tool_call_id: 'c'.repeat(40), content: 'ok' },
        ],
      },
      openaiHeaders,
    );
    expect(fits.status).toBe(200);
  });

  it("Anthropic refuses a tool_use id outside '^[a-zA-Z0-9_-]+$'", async () => {
    const reply = await postJson(
      `${simulator.url}/u/claude-ids/v1/messages`,
      anthropicBody({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'call.7f3a', name: 'weather', input: {} }] },
        ],
      }),
      anthropicHeaders,
    );
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toBe(
      "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
    );
  });
});

describe('Anthropic server-side compaction', () => {
  const request = (value: number) => ({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    context_management: {
      edits: [{ type: 'compact_20260112' as const, trigger: { type: 'input_tokens' as const, value } }],
    },
    messages: [
      { role: 'user' as const, content: 'Summarise the harbor logs.' },
      { role: 'assistant' as const, content: 'The logs cover three days.' },
      { role: 'user' as const, content: 'Continue.' },
    ],
  });

  it('puts a compaction block first once the input reaches the trigger, the same in JSON and SSE', async () => {
    const message = await anthropic.beta.messages.create({ ...request(5), betas: ['compact-2026-01-12'] });
    expect(message.content.map((block) => block.type)).toEqual(['compaction', 'text']);
    const block = message.content[0] as Anthropic.Beta.BetaCompactionBlock;
    expect(block.content).toBe(
      'Summary of the 2 earlier messages: the user asked about "Summarise the harbor logs." and the assistant answered.',
    );
    expect(message.usage.iterations?.[0]).toMatchObject({
      type: 'compaction',
      input_tokens: message.usage.input_tokens,
    });
    const streamed = await anthropic.beta.messages
      .stream({ ...request(5), betas: ['compact-2026-01-12'] })
      .finalMessage();
    expect(streamed.content[0]).toEqual(block);
    expect(streamed.content.slice(1).map((part) => part.type)).toEqual(['text']);
  });

  it('does not compact below the trigger (150,000 tokens by default) or without the beta', async () => {
    const below = await anthropic.beta.messages.create({ ...request(1_000_000), betas: ['compact-2026-01-12'] });
    expect(below.content.map((block) => block.type)).toEqual(['text']);
    const withoutBeta = await anthropic.beta.messages.create(request(5));
    expect(withoutBeta.content.map((block) => block.type)).toEqual(['text']);
    expect(withoutBeta.usage.iterations ?? null).toBeNull();
  });
});

describe('the malformed-event fault', () => {
  it('garbles one event mid-stream and sends the rest of the stream as usual', async () => {
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'claude-garbled', kind: 'malformed-event' });
    const body = { model: 'm', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'Say hello' }] };
    const reply = await postRaw(`${simulator.url}/u/claude-garbled/v1/messages`, body, anthropicHeaders);
    const clean = await postRaw(`${simulator.url}/u/claude-clean/v1/messages`, body, anthropicHeaders);
    const garbled =
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n';
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(garbled);
    expect(reply.text.replace(garbled, '').replace(/sim_\d+/g, 'sim_N')).toBe(clean.text.replace(/sim_\d+/g, 'sim_N'));
  });
});
