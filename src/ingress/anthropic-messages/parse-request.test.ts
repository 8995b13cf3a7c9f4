// Real client requests (fixtures written from docs/protocols/ §1.2 and §9) → canonical requests.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAnthropicRequest, type RequestHeaders } from './parse-request.js';

interface Fixture {
  headers: RequestHeaders;
  body: Record<string, unknown>;
}

function loadFixture(name: string): Fixture {
  const url = new URL(`../../../test/fixtures/anthropic-ingress/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture;
}

describe('parseAnthropicRequest: what real clients send', () => {
  it('accepts a Claude Code request: billing header, role:system turn, adaptive thinking, context_management', () => {
    const { headers, body } = loadFixture('claude-code-request.json');
    const request = parseAnthropicRequest(body, headers);

    expect(request.model).toBe('claude-opus-4-8');
    expect(request.maxTokens).toBe(32000);
    expect(request.stream).toBe(true);
    expect(request.system).toEqual([
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.a1b; cc_entrypoint=sdk-cli; cch=00000;' },
      {
        type: 'text',
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cacheControl: { type: 'ephemeral' },
      },
      {
        type: 'text',
        text: 'Here is useful information about the environment you are running in: <env>Platform: linux</env>',
        cacheControl: { type: 'ephemeral', ttl: '1h' },
      },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>As you answer, use the context below.</system-reminder>' },
          { type: 'text', text: 'List the files in src/', cacheControl: { type: 'ephemeral' } },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'The user switched the working directory to /work/main.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'I should call the Bash tool.', signature: 'EuYBCkQYAiJA-sig' },
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', id: 'toolu_01A', name: 'Bash', input: { command: 'ls src/', description: 'List src' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01A',
            content: [{ type: 'text', text: 'canonical\nconfig\ningress' }],
            isError: false,
            cacheControl: { type: 'ephemeral' },
          },
        ],
      },
    ]);
    expect(request.tools?.map((tool) => tool.name)).toEqual(['Bash', 'Read', 'mcp__github__search_repositories']);
    // Schemas pass through untouched, including keywords some providers reject ($schema, additionalProperties).
    expect(request.tools?.[0]?.inputSchema).toEqual((body.tools as Array<{ input_schema: unknown }>)[0]?.input_schema);
    expect(request.tools?.[0]?.description).toBe('Executes a given bash command.');
    expect(request.tools?.[2]?.cacheControl).toEqual({ type: 'ephemeral' });
    expect(request.toolChoice).toBeUndefined();
    expect(request.thinking).toEqual({ type: 'adaptive' });
    expect(request.reasoningEffort).toBe('high');
    expect(request.userId).toBe(
      '{"device_id":"3f9a","account_uuid":"","session_id":"7f1c2e9a-4b61-4f0e-9d43-1a2b3c4d5e6f"}',
    );
    expect(request.anthropicBeta).toEqual([
      'claude-code-20250219',
      'context-1m-2025-08-07',
      'interleaved-thinking-2025-05-14',
      'context-management-2025-06-27',
      'effort-2025-11-24',
      'fine-grained-tool-streaming-2025-05-14',
    ]);
    expect(request.anthropicVersion).toBe('2023-06-01');
    // The body as received, by reference, with the fields canonical does not model (context_management).
    expect(request.original.format).toBe('anthropic-messages');
    expect(request.original.body).toBe(body);
    expect(request.original.body.context_management).toEqual({
      edits: [{ type: 'clear_thinking_20251015', keep: 'all' }],
    });
  });

  it('accepts an Anthropic SDK 1.x request: string system, prefill, sampling, newer top-level fields', () => {
    const { headers, body } = loadFixture('sdk-1x-request.json');
    const request = parseAnthropicRequest(body, headers);
    const { original, ...canonical } = request;
    expect(canonical).toEqual({
      model: 'claude-sonnet-4-5',
      maxTokens: 1024,
      system: [{ type: 'text', text: 'You are a terse assistant.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Paris.' }] },
        { role: 'user', content: [{ type: 'text', text: 'And of Italy? Answer in JSON.' }] },
        { role: 'assistant', content: [{ type: 'text', text: '{' }] },
      ],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['\n\nHuman:', 'END'],
      tools: [
        {
          name: 'get_capital',
          description: 'Returns the capital of a country.',
          inputSchema: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] },
          strict: true,
        },
      ],
      toolChoice: { type: 'any', disableParallel: true },
      thinking: { type: 'disabled' },
      responseFormat: {
        type: 'json_schema',
        schema: { type: 'object', properties: { capital: { type: 'string' } } },
      },
      userId: 'user-1234',
      stream: false,
      anthropicVersion: '2026-10-21',
    });
    expect(original.body.service_tier).toBe('standard_only');
    expect(original.body.inference_geo).toBe('us');
  });

  it('maps a tool round trip: thinking, redacted thinking, tool results; keeps server tools and blocks out', () => {
    const { headers, body } = loadFixture('tool-round-trip-request.json');
    const request = parseAnthropicRequest(body, headers);
    expect(request.thinking).toEqual({ type: 'enabled', budgetTokens: 2048 });
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city.',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    // Two header lines, one of them a comma list.
    expect(request.anthropicBeta).toEqual([
      'interleaved-thinking-2025-05-14',
      'files-api-2025-04-14',
      'extended-cache-ttl-2025-04-11',
    ]);
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', text: 'Two cities, two calls.', signature: 'sig-abc' },
        { type: 'redacted-thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw' },
        { type: 'tool-call', id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } },
        {
          type: 'tool-call',
          id: 'toolu_rome',
          name: 'get_weather',
          input: { city: 'Rome' },
          cacheControl: { type: 'ephemeral', ttl: '5m' },
        },
      ],
    });
    expect(request.messages[2]).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'toolu_paris',
          content: [
            { type: 'text', text: '18°C, cloudy' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
          isError: false,
        },
        {
          type: 'tool-result',
          toolCallId: 'toolu_rome',
          content: [{ type: 'text', text: 'service unavailable' }],
          isError: true,
        },
        { type: 'tool-result', toolCallId: 'toolu_none', content: [], isError: false },
        { type: 'tool-result', toolCallId: 'toolu_search', content: [{ type: 'text', text: 'kept' }], isError: false },
        { type: 'text', text: 'Thanks.' },
      ],
    });
    // The unmodelled blocks still reach Anthropic upstreams through the original body.
    const original = request.original.body.messages as Array<{ content: Array<{ type: string }> }>;
    expect(original[1]?.content.map((block) => block.type)).toContain('web_search_tool_result');
  });

  it('maps images and documents of every source kind', () => {
    const { headers, body } = loadFixture('media-request.json');
    const request = parseAnthropicRequest(body, headers);
    expect(request.anthropicBeta).toBeUndefined();
    expect(request.anthropicVersion).toBeUndefined();
    expect(request.messages[0]?.content).toEqual([
      {
        type: 'image',
        source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' },
        cacheControl: { type: 'ephemeral' },
      },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
      { type: 'image', source: { kind: 'file', fileId: 'file_011CNha8iCJcU1wXNR6q4V8w' } },
      {
        type: 'document',
        source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQ=' },
        title: 'Report',
      },
      { type: 'document', source: { kind: 'text', mediaType: 'text/plain', text: 'plain text body' } },
      {
        type: 'document',
        source: { kind: 'text', mediaType: 'text/plain', text: 'first chunk\nsecond chunk' },
        title: 'Chunks',
      },
      { type: 'document', source: { kind: 'text', mediaType: 'text/plain', text: 'a string content source' } },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/paper.pdf' } },
      {
        type: 'document',
        source: { kind: 'file', fileId: 'file_pdf_1' },
        cacheControl: { type: 'ephemeral', ttl: '1h' },
      },
      { type: 'text', text: 'Summarise these.' },
    ]);
  });

  it('keeps unknown block types out of canonical without failing', () => {
    const request = parseAnthropicRequest(
      {
        model: 'm',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_reference', tool_name: 'x' },
              { type: 'container_upload', file_id: 'f' },
              { type: 'text', text: 'hello' },
            ],
          },
        ],
      },
      {},
    );
    expect(request.messages[0]?.content).toEqual([{ type: 'text', text: 'hello' }]);
  });

  it('accepts null for optional fields, as the SDK types allow', () => {
    const request = parseAnthropicRequest(
      {
        model: 'm',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: null }] }],
        system: null,
        tools: null,
        tool_choice: null,
        metadata: { user_id: null },
        temperature: null,
        thinking: null,
      },
      {},
    );
    expect(request.system).toEqual([]);
    expect(request.messages[0]?.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(request.userId).toBeUndefined();
    expect(request.temperature).toBeUndefined();
  });

  it('maps every tool_choice form', () => {
    const parse = (toolChoice: unknown) =>
      parseAnthropicRequest(
        { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }], tool_choice: toolChoice },
        {},
      ).toolChoice;
    expect(parse({ type: 'auto' })).toEqual({ type: 'auto' });
    expect(parse({ type: 'auto', disable_parallel_tool_use: false })).toEqual({ type: 'auto', disableParallel: false });
    expect(parse({ type: 'any' })).toEqual({ type: 'any' });
    expect(parse({ type: 'tool', name: 'a', disable_parallel_tool_use: true })).toEqual({
      type: 'tool',
      name: 'a',
      disableParallel: true,
    });
    expect(parse({ type: 'none' })).toEqual({ type: 'none' });
  });

  it('passes a newer thinking type through the original body only', () => {
    const body = {
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x' }],
      thinking: { type: 'interleaved_v2' },
    };
    const request = parseAnthropicRequest(body, {});
    expect(request.thinking).toBeUndefined();
    expect(request.original.body.thinking).toEqual({ type: 'interleaved_v2' });
  });

  it('reads the count_tokens body: no max_tokens, never a stream', () => {
    const request = parseAnthropicRequest(
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }], stream: true },
      { 'Anthropic-Version': '2023-06-01' },
      { countTokens: true },
    );
    expect(request.maxTokens).toBeUndefined();
    expect(request.stream).toBe(false);
    expect(request.anthropicVersion).toBe('2023-06-01');
  });
});
