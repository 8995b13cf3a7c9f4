import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { DeploymentTarget, WireRequest } from '../adapter.js';
import { azureAdapter, openaiAdapter, openaiCompatibleAdapter } from './adapter.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import {
  azureDatedTarget,
  azureV1Target,
  compatibleTarget,
  openaiFixtureJson,
  openaiTarget,
} from '../../../test/fixtures/openai/load-fixtures.js';

interface ExpectedWire {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

async function bodyOf(wire: WireRequest | Promise<WireRequest>): Promise<Record<string, unknown>> {
  return JSON.parse((await wire).body ?? '') as Record<string, unknown>;
}

async function openaiBody(request: CanonicalRequest, target: DeploymentTarget = openaiTarget) {
  return bodyOf(openaiAdapter.buildRequest(request, target));
}

describe('request out: the tool round trip, exactly', () => {
  it.each([
    ['openai', openaiAdapter, openaiTarget, 'request-openai-tool-round-trip.json'],
    ['azure with a dated api-version', azureAdapter, azureDatedTarget, 'request-azure-dated-tool-round-trip.json'],
    ['azure v1', azureAdapter, azureV1Target, 'request-azure-v1-tool-round-trip.json'],
    [
      'openai-compatible (max_tokens)',
      openaiCompatibleAdapter,
      compatibleTarget,
      'request-compatible-tool-round-trip.json',
    ],
  ] as const)('%s', async (_name, adapter, target, fixture) => {
    const expected = openaiFixtureJson<ExpectedWire>(fixture);
    const wire = await adapter.buildRequest(toolRoundTripRequest(), target);
    expect(wire.method).toBe('POST');
    expect(wire.url).toBe(expected.url);
    expect(wire.headers).toEqual(expected.headers);
    expect(JSON.parse(wire.body ?? '')).toEqual(expected.body);
  });
});

describe('request out: URLs and headers', () => {
  it('accepts Azure base URLs that already end in /openai or /openai/v1', async () => {
    for (const baseUrl of ['https://r.openai.azure.com/openai', 'https://r.openai.azure.com/openai/v1/']) {
      const v1 = await azureAdapter.buildRequest(simpleTextRequest(), { ...azureV1Target, baseUrl });
      expect(v1.url).toBe('https://r.openai.azure.com/openai/v1/chat/completions');
      const dated = await azureAdapter.buildRequest(simpleTextRequest(), { ...azureDatedTarget, baseUrl });
      expect(dated.url).toBe(
        'https://r.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-10-21',
      );
    }
  });

  it('sends no authorization to a compatible server without a key, and adds configured headers', async () => {
    const wire = await openaiCompatibleAdapter.buildRequest(simpleTextRequest(), {
      ...compatibleTarget,
      apiKey: undefined,
      headers: { 'X-Tenant': 'blue' },
    });
    expect(wire.headers.authorization).toBeUndefined();
    expect(wire.headers['x-tenant']).toBe('blue');
    expect(wire.headers.accept).toBe('application/json');
  });

  it('lets the deployment key win over a configured authorization header, and never sends the client headers', async () => {
    const request = simpleTextRequest({
      original: { format: 'openai-chat', body: { model: 'sonnet', messages: [], api_key: 'client-secret-key' } },
      anthropicBeta: ['client-flag'],
    });
    const wire = await openaiAdapter.buildRequest(request, {
      ...openaiTarget,
      headers: { Authorization: 'Bearer stale' },
    });
    expect(wire.headers.authorization).toBe('Bearer sk-openai-deployment-key');
    expect(Object.keys(wire.headers)).not.toContain('Authorization');
    expect(JSON.stringify(wire.headers)).not.toContain('client');
  });
});

describe('request out: canonical conversion', () => {
  it('a plain text request is a string user message, without stream fields when not streaming', async () => {
    expect(await openaiBody(simpleTextRequest())).toEqual({
      model: 'gpt-4o-2024-08-06',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      max_completion_tokens: 256,
    });
  });

  it('joins system parts without the attribution block, keeps mid-conversation system turns in place and drops thinking-only turns', async () => {
    const body = await openaiBody(
      simpleTextRequest({
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc' },
          { type: 'text', text: 'You are Claude Code.' },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'one' }] },
          { role: 'system', content: [{ type: 'text', text: 'Remember the plan.' }] },
          { role: 'assistant', content: [{ type: 'redacted-thinking', data: 'opaque' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'hmm', signature: 's' },
              { type: 'text', text: 'two' },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'three' }] },
        ],
      }),
    );
    expect(body.messages).toEqual([
      // Claude Code's attribution block is for Claude upstreams only.
      { role: 'system', content: 'You are Claude Code.' },
      { role: 'user', content: 'one' },
      { role: 'system', content: 'Remember the plan.' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
    ]);
  });

  it('puts each tool result in its own tool message, moves images to a user message, prefixes errors', async () => {
    const body = await openaiBody(
      simpleTextRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Screenshot both pages.' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', id: 'toolu_a', name: 'screenshot', input: { page: 1 } },
              { type: 'tool-call', id: 'toolu_b', name: 'screenshot', input: { page: 2 } },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'toolu_a',
                isError: false,
                content: [
                  { type: 'text', text: 'page 1' },
                  { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
                ],
              },
              {
                type: 'tool-result',
                toolCallId: 'toolu_b',
                isError: true,
                content: [{ type: 'text', text: 'timeout' }],
              },
              { type: 'text', text: 'Compare them.' },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Screenshot both pages.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'screenshot', arguments: '{"page":1}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'screenshot', arguments: '{"page":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: 'page 1' },
      { role: 'tool', tool_call_id: 'toolu_b', content: 'Error: timeout' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'text', text: 'Compare them.' },
        ],
      },
    ]);
  });

  it('converts images and documents to image_url, file and text parts', async () => {
    const body = await openaiBody(
      simpleTextRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
              {
                type: 'document',
                source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' },
                title: 'Report',
              },
              { type: 'document', source: { kind: 'text', mediaType: 'text/plain', text: 'plain notes' } },
              { type: 'document', source: { kind: 'file', fileId: 'file-abc' } },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'file', file: { filename: 'Report.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
          { type: 'text', text: 'plain notes' },
          { type: 'file', file: { file_id: 'file-abc' } },
        ],
      },
    ]);
  });

  it.each([
    [{ type: 'auto' } as const, 'auto', undefined],
    [{ type: 'any', disableParallel: true } as const, 'required', false],
    [
      { type: 'tool', name: 'get_weather' } as const,
      { type: 'function', function: { name: 'get_weather' } },
      undefined,
    ],
    [{ type: 'none' } as const, 'none', undefined],
  ])('maps tool choice %j', async (toolChoice, expected, parallel) => {
    const body = await openaiBody(toolRoundTripRequest({ toolChoice }));
    expect(body.tool_choice).toEqual(expected);
    expect(body.parallel_tool_calls).toBe(parallel);
  });

  it('sends neither tool_choice nor parallel_tool_calls without tools', async () => {
    const body = await openaiBody(
      toolRoundTripRequest({ tools: [], toolChoice: { type: 'any', disableParallel: true } }),
    );
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('keeps the first four stop strings and maps response_format, top_p', async () => {
    const body = await openaiBody(
      simpleTextRequest({
        stopSequences: ['a', 'b', 'c', 'd', 'e'],
        topP: 0.9,
        topK: 40,
        responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      }),
    );
    expect(body.stop).toEqual(['a', 'b', 'c', 'd']);
    expect(body.top_p).toBe(0.9);
    expect(body).not.toHaveProperty('top_k');
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
    });
  });

  it('sends reasoning_effort and safety_identifier to OpenAI only, user to Azure, neither to compatible servers', async () => {
    const request = simpleTextRequest({ reasoningEffort: 'high', userId: 'user-42' });
    const openai = await openaiBody(request);
    expect(openai.reasoning_effort).toBe('high');
    expect(openai.safety_identifier).toBe('user-42');
    expect(openai).not.toHaveProperty('user');
    const azure = await bodyOf(azureAdapter.buildRequest(request, azureDatedTarget));
    expect(azure).not.toHaveProperty('reasoning_effort');
    expect(azure.user).toBe('user-42');
    const compatible = await bodyOf(openaiCompatibleAdapter.buildRequest(request, compatibleTarget));
    expect(compatible).not.toHaveProperty('reasoning_effort');
    expect(compatible).not.toHaveProperty('user');
    expect(compatible).not.toHaveProperty('safety_identifier');
  });

  it('drops a reasoning effort OpenAI does not know (Anthropic max) rather than cause a 400', async () => {
    expect(await openaiBody(simpleTextRequest({ reasoningEffort: 'max' }))).not.toHaveProperty('reasoning_effort');
  });

  it('sanitises tool names OpenAI would reject, consistently in tools, history and tool_choice', async () => {
    const longName = `mcp__${'filesystem'.repeat(8)}__read_file`;
    const body = await openaiBody(
      toolRoundTripRequest({
        tools: [
          { name: 'mcp.github.search', inputSchema: { type: 'object' } },
          { name: longName, inputSchema: { type: 'object' } },
        ],
        toolChoice: { type: 'tool', name: 'mcp.github.search' },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: longName, input: {} }] },
          {
            role: 'user',
            content: [
              { type: 'tool-result', toolCallId: 't1', isError: false, content: [{ type: 'text', text: 'ok' }] },
            ],
          },
        ],
      }),
    );
    const names = (body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name);
    expect(names[0]).toBe('mcp_github_search');
    expect(names[1]).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(names[1]).toHaveLength(64);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'mcp_github_search' } });
    const assistant = (
      body.messages as Array<{ role: string; tool_calls?: Array<{ function: { name: string } }> }>
    ).find((message) => message.role === 'assistant');
    expect(assistant?.tool_calls?.[0]?.function.name).toBe(names[1]);
  });
});

describe('request out: the zero-loss path for Chat Completions clients', () => {
  const clientBody = {
    model: 'gpt-fast',
    messages: [{ role: 'user', content: 'hi' }],
    logprobs: true,
    top_logprobs: 3,
    seed: 7,
    n: 2,
    max_tokens: 100,
    stream: true,
    stream_options: { include_usage: false, include_obfuscation: false },
  };

  it('forwards the client body to OpenAI with our model and usage switched on', async () => {
    const request = simpleTextRequest({ stream: true, original: { format: 'openai-chat', body: clientBody } });
    expect(await openaiBody(request)).toEqual({
      ...clientBody,
      model: 'gpt-4o-2024-08-06',
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });

  it('removes the stream settings when the attempt does not stream', async () => {
    const request = simpleTextRequest({ stream: false, original: { format: 'openai-chat', body: clientBody } });
    const body = await bodyOf(openaiCompatibleAdapter.buildRequest(request, compatibleTarget));
    expect(body.model).toBe('Qwen/Qwen3-8B');
    expect(body.seed).toBe(7);
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
  });

  it("sends the client's own bytes with only the fields the gateway sets written in", async () => {
    const text =
      '{"model":"gpt-fast", "seed": 18446744073709551615, "temperature": 1.0,\n "messages":[{"role":"user","content":"caf\\u00e9"}]}';
    const body = JSON.parse(text) as Record<string, unknown>;
    const original = { format: 'openai-chat' as const, body, received: { body, text } };
    const sent = async (stream: boolean) =>
      (await openaiAdapter.buildRequest(simpleTextRequest({ stream, original }), openaiTarget)).body;
    // The seed keeps all its digits (a parse and re-serialisation would send 18446744073709552000).
    expect(await sent(false)).toBe(text.replace('"gpt-fast"', '"gpt-4o-2024-08-06"'));
    expect(await sent(true)).toBe(
      `${text.slice(0, -1).replace('"gpt-fast"', '"gpt-4o-2024-08-06"')},"stream":true,"stream_options":{"include_usage":true}}`,
    );
    // A client that already asked for the model, the stream and its usage is forwarded untouched.
    const streamed =
      '{"model":"gpt-4o-2024-08-06","stream":true,"stream_options":{"include_usage":true},"messages":[]}';
    const asked = JSON.parse(streamed) as Record<string, unknown>;
    const untouched = simpleTextRequest({
      stream: true,
      original: { format: 'openai-chat', body: asked, received: { body: asked, text: streamed } },
    });
    expect((await openaiAdapter.buildRequest(untouched, openaiTarget)).body).toBe(streamed);
  });

  it('converts from canonical when the original body holds no messages to forward', async () => {
    const request = toolRoundTripRequest({ original: { format: 'openai-chat', body: {} } });
    expect(await openaiBody(request)).toEqual(
      openaiFixtureJson<ExpectedWire>('request-openai-tool-round-trip.json').body,
    );
  });

  it('rebuilds the body from canonical for Azure', async () => {
    const request = simpleTextRequest({ stream: true, original: { format: 'openai-chat', body: clientBody } });
    const body = await bodyOf(azureAdapter.buildRequest(request, azureDatedTarget));
    expect(body).not.toHaveProperty('seed');
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ]);
    expect(body.stream_options).toEqual({ include_usage: true });
  });
});
