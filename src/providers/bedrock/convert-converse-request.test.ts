// Canonical → Converse body: the exact JSON for the shared tool round trip, and the pitfalls of
// docs/protocols/ §3.2 and §6.5 (alternating roles, cache points, tool names and ids, `none`,
// thinking only for Claude, media Bedrock cannot take).
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/request.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { bedrockFixtureJson } from '../../../test/fixtures/bedrock/load-fixtures.js';
import { convertToConverseBody, defaultMaxTokens } from './convert-converse-request.js';
import { converseToolUseId } from './convert-converse-content.js';

const claude = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const llama = 'meta.llama3-3-70b-instruct-v1:0';
const fromOpenAi = { original: { format: 'openai-chat' as const, body: {} } };

function body(overrides: Partial<CanonicalRequest>, model = claude): ReturnType<typeof convertToConverseBody> {
  return convertToConverseBody(simpleTextRequest({ ...fromOpenAi, ...overrides }), model);
}

describe('convertToConverseBody', () => {
  it('converts the tool round trip to the exact Converse body', () => {
    const converted = convertToConverseBody(
      toolRoundTripRequest({ ...fromOpenAi, anthropicBeta: ['context-1m-2025-08-07'] }),
      claude,
    );
    expect(converted).toEqual(bedrockFixtureJson('request-converse-tool-round-trip.json'));
  });

  it('leaves out Claude-only parts for other models: reasoning, cache points, betas, top_k', () => {
    const converted = convertToConverseBody(
      toolRoundTripRequest({ ...fromOpenAi, anthropicBeta: ['context-1m-2025-08-07'], topK: 40 }),
      llama,
    );
    expect(converted.system).toEqual([{ text: 'Use tools when they help.' }]);
    expect(converted.messages[1]?.content).toEqual([
      { text: 'Let me check.' },
      { toolUse: { toolUseId: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } } },
    ]);
    expect(converted.additionalModelRequestFields).toBeUndefined();
    expect(converted.additionalModelResponseFieldPaths).toBeUndefined();
  });

  it('defaults maxTokens, clamps temperature and sends top_k to Claude only', () => {
    const converted = body({ maxTokens: undefined, temperature: 1.7, topP: 0.9, topK: 40 });
    expect(converted.inferenceConfig).toEqual({ maxTokens: defaultMaxTokens, temperature: 1, topP: 0.9 });
    expect(converted.additionalModelRequestFields).toEqual({ top_k: 40 });
  });

  it('sends thinking to Claude in additionalModelRequestFields and drops sampling Claude rejects with it', () => {
    const converted = body({
      maxTokens: undefined,
      thinking: { type: 'enabled', budgetTokens: 2048 },
      temperature: 0.3,
      topP: 0.5,
      topK: 5,
    });
    expect(converted.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(converted.inferenceConfig).toEqual({ maxTokens: 2048 + defaultMaxTokens });
    expect(body({ thinking: { type: 'adaptive' } }, llama).additionalModelRequestFields).toBeUndefined();
  });

  it('turns thinking off when the last assistant tool turn does not start with reasoning', () => {
    const request = toolRoundTripRequest({ ...fromOpenAi, thinking: { type: 'enabled', budgetTokens: 1024 } });
    const withReasoning = convertToConverseBody(request, claude);
    expect(withReasoning.additionalModelRequestFields).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const assistant = request.messages[1]!;
    assistant.content = assistant.content.filter((part) => part.type !== 'thinking');
    expect(convertToConverseBody(request, claude).additionalModelRequestFields?.thinking).toBeUndefined();
  });

  it('hoists mid-conversation system turns, merges same-role runs and drops empty turns and the billing header', () => {
    const converted = body(
      {
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197; cch=00000;' },
          { type: 'text', text: 'Be terse.', cacheControl: { type: 'ephemeral', ttl: '1h' } },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'One' }] },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Two' }] },
          { role: 'assistant', content: [{ type: 'text', text: '' }] },
        ],
      },
      'amazon.nova-pro-v1:0',
    );
    // The attribution block is for Claude only: a non-Claude model never sees it.
    expect(converted.system).toEqual([
      { text: 'Be terse.' },
      { cachePoint: { type: 'default', ttl: '1h' } },
      { text: 'Answer in French.' },
    ]);
    expect(converted.messages).toEqual([{ role: 'user', content: [{ text: 'One' }, { text: 'Two' }] }]);
  });

  it("keeps Claude Code's attribution block for Claude models", () => {
    const converted = body({
      system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197; cch=00000;' }],
    });
    expect(converted.system).toEqual([{ text: 'x-anthropic-billing-header: cc_version=2.1.197; cch=00000;' }]);
  });

  it('puts tool results first in the user turn, marks errors, and fills an empty result', () => {
    const converted = body({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'run', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here you go.' },
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              content: [],
              isError: true,
              cacheControl: { type: 'ephemeral' },
            },
          ],
        },
      ],
      tools: [{ name: 'run', inputSchema: {} }],
    });
    expect(converted.messages[2]?.content).toEqual([
      { toolResult: { toolUseId: 'call_1', content: [{ text: '(no output)' }], status: 'error' } },
      { cachePoint: { type: 'default' } },
      { text: 'Here you go.' },
    ]);
  });

  it('maps tool choice: any, a named tool, and none (tools dropped unless the history needs them)', () => {
    const tools = [{ name: 'mcp__github.search', description: 'Search', inputSchema: { properties: {} } }];
    const any = body({ tools, toolChoice: { type: 'any' } });
    expect(any.toolConfig?.toolChoice).toEqual({ any: {} });
    const named = body({ tools, toolChoice: { type: 'tool', name: 'mcp__github.search' } });
    const wireName = (named.toolConfig!.tools[0] as { toolSpec: { name: string } }).toolSpec.name;
    expect(wireName).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(named.toolConfig?.toolChoice).toEqual({ tool: { name: wireName } });
    expect(body({ tools, toolChoice: { type: 'none' } }).toolConfig).toBeUndefined();

    const withHistory = convertToConverseBody(
      toolRoundTripRequest({ ...fromOpenAi, toolChoice: { type: 'none' } }),
      claude,
    );
    expect(withHistory.toolConfig?.toolChoice).toBeUndefined();
    expect(withHistory.toolConfig?.tools).toHaveLength(1);
  });

  it('declares the tools a history used when the request declares none (Converse requires toolConfig then)', () => {
    const converted = convertToConverseBody(
      toolRoundTripRequest({ ...fromOpenAi, tools: undefined, toolChoice: undefined }),
      claude,
    );
    expect(converted.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
    });
  });

  it('sanitises tool names and tool use ids the same way in calls and results', () => {
    const longId = `call.${'x'.repeat(80)}|weird`;
    const converted = body({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: longId, name: 'files.read', input: 'raw' }] },
        {
          role: 'user',
          content: [
            { type: 'tool-result', toolCallId: longId, content: [{ type: 'text', text: 'ok' }], isError: false },
          ],
        },
      ],
      tools: [{ name: 'files.read', inputSchema: {} }],
    });
    const call = converted.messages[1]?.content[0] as { toolUse: { toolUseId: string; name: string; input: unknown } };
    const result = converted.messages[2]?.content[0] as { toolResult: { toolUseId: string } };
    expect(call.toolUse.toolUseId).toMatch(/^[a-zA-Z0-9_.:-]{1,64}$/);
    expect(result.toolResult.toolUseId).toBe(call.toolUse.toolUseId);
    expect(call.toolUse.name).toBe('files_read');
    expect(call.toolUse.input).toEqual({ value: 'raw' });
    expect(converseToolUseId('toolu_01')).toBe('toolu_01');
    expect(converseToolUseId(longId)).not.toBe(converseToolUseId(`${longId}2`));
  });

  it('sends inline images and documents as bytes, and a note for what Bedrock cannot take', () => {
    const converted = body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/tiff', data: 'SUkq' } },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
              title: 'Q3 report.pdf',
            },
            {
              type: 'document',
              source: { kind: 'text', mediaType: 'text/plain', text: 'notes' },
              filename: 'Q3 report.txt',
            },
            { type: 'document', source: { kind: 'file', fileId: 'file_abc' } },
          ],
        },
      ],
    });
    expect(converted.messages[0]?.content).toEqual([
      { text: '[image not included (https://example.com/cat.png): this upstream only accepts inline image bytes]' },
      { image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } },
      { text: '[image not included: image/tiff is not an image format this upstream accepts]' },
      { document: { format: 'pdf', name: 'Q3 report', source: { bytes: 'JVBERi0=' } } },
      {
        document: { format: 'txt', name: 'Q3 report (2)', source: { bytes: Buffer.from('notes').toString('base64') } },
      },
      { text: '[document not included (file file_abc): this upstream only accepts inline document bytes]' },
    ]);
  });

  it('adds cache points after tools that ask for one, and never for models without cache points', () => {
    const tools = [{ name: 'read', inputSchema: {}, cacheControl: { type: 'ephemeral' as const } }];
    expect(body({ tools }).toolConfig?.tools).toEqual([
      { toolSpec: { name: 'read', inputSchema: { json: { type: 'object' } } } },
      { cachePoint: { type: 'default' } },
    ]);
    expect(body({ tools }, llama).toolConfig?.tools).toHaveLength(1);
    expect(body({ tools }, 'us.amazon.nova-pro-v1:0').toolConfig?.tools).toHaveLength(2);
  });
});
