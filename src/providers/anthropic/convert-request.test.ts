// Canonical → Anthropic body: the exact JSON for the shared tool round trip (cross-format path), the
// zero-loss forward of an Anthropic client's own body, and the pitfalls of docs/protocols/translation.md §6.5.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/request.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { buildAnthropicBody, convertToAnthropicBody, defaultMaxTokens, anthropicBodyText } from './convert-request.js';

const deploymentModel = 'claude-sonnet-4-5-20250929';
const fromOpenAi = { original: { format: 'openai-chat' as const, body: { model: 'sonnet', messages: [] } } };

function crossFormat(overrides: Partial<CanonicalRequest> = {}): Record<string, unknown> {
  return buildAnthropicBody(simpleTextRequest({ ...fromOpenAi, ...overrides }), deploymentModel);
}

describe('cross-format path (canonical → Anthropic)', () => {
  it('converts the tool round trip to the exact Anthropic body', () => {
    const body = buildAnthropicBody(toolRoundTripRequest(fromOpenAi), deploymentModel);
    expect(body).toEqual(anthropicFixtureJson('request-tool-round-trip.json'));
  });

  it('uses the canonical request when an Anthropic original has no messages (not a Messages body)', () => {
    const request = toolRoundTripRequest({ original: { format: 'anthropic-messages', body: { model: 'sonnet' } } });
    expect(buildAnthropicBody(request, deploymentModel)).toEqual(anthropicFixtureJson('request-tool-round-trip.json'));
  });

  it('defaults max_tokens, clamps temperature and maps top_p, top_k and user id', () => {
    const body = crossFormat({ maxTokens: undefined, temperature: 1.7, topP: 0.9, topK: 40, userId: 'user-7' });
    expect(body).toMatchObject({
      max_tokens: defaultMaxTokens,
      temperature: 1,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-7' },
    });
    expect(crossFormat({ temperature: -0.5 }).temperature).toBe(0);
  });

  it('removes empty text blocks and turns that end up empty', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        system: [{ type: 'text', text: '' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '' },
              { type: 'text', text: 'Hi' },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: '' }] },
        ],
      }),
      deploymentModel,
    );
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('hoists mid-conversation system turns into system and merges the turns they separated', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        system: [{ type: 'text', text: 'Be terse.', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'One' }] },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Two' }] },
        ],
      }),
      deploymentModel,
    );
    expect(body.system).toEqual([
      { type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One' },
          { type: 'text', text: 'Two' },
        ],
      },
    ]);
  });

  it('puts tool results first in a merged user turn', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        messages: [
          { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'lookup', input: { q: 'x' } }] },
          { role: 'user', content: [{ type: 'text', text: 'Also, hurry.' }] },
          { role: 'user', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [], isError: true }] },
        ],
      }),
      deploymentModel,
    );
    expect(body.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', is_error: true },
        { type: 'text', text: 'Also, hurry.' },
      ],
    });
  });

  it('wraps tool input that is not an object', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', id: 'a', name: 'echo', input: 'not json {' },
              { type: 'tool-call', id: 'b', name: 'echo', input: [1, 2] },
              { type: 'tool-call', id: 'c', name: 'echo', input: null },
            ],
          },
        ],
      }),
      deploymentModel,
    );
    expect(body.messages[1]?.content.map((block) => (block.type === 'tool_use' ? block.input : undefined))).toEqual([
      { value: 'not json {' },
      { value: [1, 2] },
      { value: null },
    ]);
  });

  it('drops thinking without a signature and keeps redacted thinking', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'reasoning from another vendor' },
              { type: 'redacted-thinking', data: 'opaque' },
              { type: 'text', text: 'Done.' },
            ],
          },
        ],
      }),
      deploymentModel,
    );
    expect(body.messages[1]?.content).toEqual([
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('converts image and document sources', () => {
    const body = convertToAnthropicBody(
      simpleTextRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
              { type: 'image', source: { kind: 'file', fileId: 'file_01' } },
              {
                type: 'document',
                source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
                filename: 'report.pdf',
              },
              {
                type: 'document',
                source: { kind: 'text', mediaType: 'text/markdown', text: '# Notes' },
                title: 'Notes',
                cacheControl: { type: 'ephemeral' },
              },
            ],
          },
        ],
      }),
      deploymentModel,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      { type: 'image', source: { type: 'file', file_id: 'file_01' } },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
        title: 'report.pdf',
      },
      {
        type: 'document',
        source: { type: 'text', media_type: 'text/plain', data: '# Notes' },
        title: 'Notes',
        cache_control: { type: 'ephemeral' },
      },
    ]);
  });

  it('maps every tool choice, with disable_parallel_tool_use', () => {
    expect(crossFormat({ toolChoice: { type: 'auto', disableParallel: true } }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(crossFormat({ toolChoice: { type: 'any' } }).tool_choice).toEqual({ type: 'any' });
    expect(
      crossFormat({ toolChoice: { type: 'tool', name: 'get_weather', disableParallel: false } }).tool_choice,
    ).toEqual({
      type: 'tool',
      name: 'get_weather',
      disable_parallel_tool_use: false,
    });
    expect(crossFormat({ toolChoice: { type: 'none' } }).tool_choice).toEqual({ type: 'none' });
  });

  it('gives a parameterless tool an object schema and leaves out strict', () => {
    const body = crossFormat({
      tools: [{ name: 'now', inputSchema: {}, strict: true, cacheControl: { type: 'ephemeral' } }],
    });
    expect(body.tools).toEqual([
      { name: 'now', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('sends thinking, raising only the default max_tokens above the budget and leaving out temperature', () => {
    const body = crossFormat({
      maxTokens: undefined,
      thinking: { type: 'enabled', budgetTokens: 8000 },
      temperature: 0.2,
      topK: 5,
    });
    expect(body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 8000 },
      max_tokens: 8000 + defaultMaxTokens,
    });
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(crossFormat({ maxTokens: 10_000, thinking: { type: 'adaptive' } })).toMatchObject({
      max_tokens: 10_000,
      thinking: { type: 'adaptive' },
    });
  });

  it('turns thinking off when the last tool-calling assistant turn does not start with thinking', () => {
    const history: CanonicalRequest['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'unsigned' },
          { type: 'tool-call', id: 't1', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'sunny' }], isError: false },
        ],
      },
    ];
    expect(crossFormat({ messages: history, thinking: { type: 'adaptive' } }).thinking).toBeUndefined();
    expect(crossFormat({ thinking: { type: 'adaptive' }, toolChoice: { type: 'any' } }).thinking).toBeUndefined();
    const signed = history.map((message, position) =>
      position === 1
        ? {
            ...message,
            content: [{ type: 'thinking' as const, text: 'signed', signature: 'sig' }, ...message.content.slice(1)],
          }
        : message,
    );
    expect(crossFormat({ messages: signed, thinking: { type: 'adaptive' } }).thinking).toEqual({ type: 'adaptive' });
  });

  it('drops reasoning effort and response format rather than risk a 400', () => {
    const body = crossFormat({
      reasoningEffort: 'high',
      responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } },
    });
    expect(body).not.toHaveProperty('output_config');
    expect(body).not.toHaveProperty('response_format');
  });
});

describe('same-format path (Anthropic client → Anthropic)', () => {
  const clientBody = anthropicFixtureJson('client-request.json') as Record<string, unknown>;

  it('forwards every field of the client body, replacing only the model and stream', () => {
    const request = simpleTextRequest({ stream: false, original: { format: 'anthropic-messages', body: clientBody } });
    const body = buildAnthropicBody(request, deploymentModel);
    expect(body).toEqual({ ...clientBody, model: deploymentModel, stream: false });
    // Fields the canonical model does not carry survive untouched.
    expect(body.context_management).toEqual(clientBody.context_management);
    expect(body.output_config).toEqual({ effort: 'high' });
    expect(JSON.stringify(body)).toContain('tool_reference');
    expect(JSON.stringify(body)).toContain('web_search_20250305');
    expect(JSON.stringify(body)).not.toContain('"sonnet"');
  });

  it('does not modify the client body it forwards', () => {
    const before = JSON.stringify(clientBody);
    buildAnthropicBody(
      simpleTextRequest({ original: { format: 'anthropic-messages', body: clientBody } }),
      deploymentModel,
    );
    expect(JSON.stringify(clientBody)).toBe(before);
  });

  it("sends the client's own text only while the body is the object that text was parsed into", () => {
    const textFor = (request: CanonicalRequest, model: string) =>
      anthropicBodyText(request, buildAnthropicBody(request, model));
    const text = '{ "model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [] }';
    const body = JSON.parse(text) as Record<string, unknown>;
    const request = (original: Partial<CanonicalRequest['original']>, stream = false) =>
      simpleTextRequest({
        stream,
        original: { format: 'anthropic-messages', body, received: { body, text }, ...original },
      });
    expect(textFor(request({}), 'claude-sonnet-4-6')).toBe(text);
    // Another model or another stream setting is written into the text; every other byte stays.
    expect(textFor(request({}), 'claude-opus-4-6')).toBe(
      '{ "model": "claude-opus-4-6", "max_tokens": 5, "messages": [] }',
    );
    expect(textFor(request({}, true), 'claude-sonnet-4-6')).toBe(
      '{ "model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [],"stream":true }',
    );
    // A reshaped or extended body (an ingress's, a continuation's) is a new object: the text no longer applies.
    expect(textFor(request({ body: { ...body, max_tokens: 5 } }), 'claude-sonnet-4-6')).toBe(
      '{"model":"claude-sonnet-4-6","max_tokens":5,"messages":[]}',
    );
    expect(textFor(request({ received: undefined }), 'claude-sonnet-4-6')).toBe(
      '{"model":"claude-sonnet-4-6","max_tokens":5,"messages":[]}',
    );
  });
});
