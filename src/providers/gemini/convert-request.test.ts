// Request out: the canonical tool round trip exactly as the Gemini API must receive it, Claude Code's
// tool schemas sanitised, and each mapping of docs/protocols/translation.md §6.1 that has a Gemini form.
import { describe, expect, it } from 'vitest';
import type { CanonicalMessage, CanonicalTool } from '../../canonical/request.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { geminiFixtureJson, geminiTarget } from '../../../test/fixtures/gemini/load-fixtures.js';
import { geminiAdapter } from './adapter.js';
import { buildGeminiBody, needsThoughtSignatures } from './convert-request.js';

interface ExpectedWire {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

describe('request out: the tool round trip, exactly', () => {
  it('matches the fixture (URL, headers, body)', async () => {
    const expected = geminiFixtureJson<ExpectedWire>('request-tool-round-trip.json');
    const wire = await geminiAdapter.buildRequest(toolRoundTripRequest(), geminiTarget);
    expect(wire.method).toBe('POST');
    expect(wire.url).toBe(expected.url);
    expect(wire.headers).toEqual(expected.headers);
    expect(JSON.parse(wire.body ?? '')).toEqual(expected.body);
  });

  it('puts the placeholder thought signature on history function calls for Gemini 3, not 2.5', () => {
    const gemini3 = buildGeminiBody(toolRoundTripRequest(), 'gemini-3-pro-preview');
    expect(gemini3.contents[1]?.parts[1]).toEqual({
      functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'toolu_01' },
      thoughtSignature: 'skip_thought_signature_validator',
    });
    expect(needsThoughtSignatures('gemini-2.5-flash')).toBe(false);
    expect(needsThoughtSignatures('models/gemini-2.0-flash-001')).toBe(false);
    expect(needsThoughtSignatures('gemini-flash-latest')).toBe(true);
  });

  it('signs only the first of parallel calls in a model turn', () => {
    const messages: CanonicalMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool-call', id: 'b', name: 'get_weather', input: { city: 'Lyon' } },
        ],
      },
    ];
    const body = buildGeminiBody(simpleTextRequest({ messages }), 'gemini-3-flash-preview');
    const parts = body.contents[1]?.parts ?? [];
    expect(parts.map((part) => ('thoughtSignature' in part ? part.thoughtSignature : undefined))).toEqual([
      'skip_thought_signature_validator',
      undefined,
    ]);
  });
});

describe('request out: Claude Code tool schemas', () => {
  it('sanitises $schema, additionalProperties, const, array types, $ref, allOf and empty parameters', () => {
    const tools = geminiFixtureJson<CanonicalTool[]>('claude-code-tools.json');
    const body = buildGeminiBody(simpleTextRequest({ tools }), 'gemini-2.5-pro');
    expect(body.tools).toEqual([
      { functionDeclarations: geminiFixtureJson('claude-code-tools.function-declarations.json') },
    ]);
    const text = JSON.stringify(body.tools);
    for (const keyword of [
      '$schema',
      'additionalProperties',
      'const',
      'propertyNames',
      '$ref',
      '$defs',
      'default',
      'examples',
      'oneOf',
      'uniqueItems',
      'exclusiveMinimum',
    ]) {
      expect(text).not.toContain(`"${keyword}"`);
    }
  });

  it('renames tool names Gemini rejects and keeps the mapping consistent across declarations, choice and history', () => {
    const longName = `mcp__${'very_long_server_name_'.repeat(3)}__tool with spaces`;
    const request = toolRoundTripRequest({
      tools: [{ name: longName, inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }],
      toolChoice: { type: 'tool', name: longName },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: longName, input: { q: 'x' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'done' }], isError: false },
          ],
        },
      ],
    });
    const body = buildGeminiBody(request, 'gemini-2.5-flash');
    const wireName = body.tools?.[0]?.functionDeclarations[0]?.name ?? '';
    expect(wireName).toMatch(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [wireName] } });
    expect(body.contents[1]?.parts[0]).toMatchObject({ functionCall: { name: wireName } });
    expect(body.contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: wireName } });
  });
});

describe('request out: mappings', () => {
  it('maps every tool choice to functionCallingConfig', () => {
    const modes = (['auto', 'any', 'none'] as const).map(
      (type) => buildGeminiBody(toolRoundTripRequest({ toolChoice: { type } }), 'gemini-2.5-flash').toolConfig,
    );
    expect(modes).toEqual([
      { functionCallingConfig: { mode: 'AUTO' } },
      { functionCallingConfig: { mode: 'ANY' } },
      { functionCallingConfig: { mode: 'NONE' } },
    ]);
    const forced = buildGeminiBody(
      toolRoundTripRequest({ toolChoice: { type: 'tool', name: 'get_weather', disableParallel: true } }),
      'm',
    );
    expect(forced.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    expect(buildGeminiBody(toolRoundTripRequest({ tools: [] }), 'm').toolConfig).toBeUndefined();
  });

  it('maps thinking, sampling, stops (at most five) and JSON output to generationConfig', () => {
    const body = buildGeminiBody(
      simpleTextRequest({
        thinking: { type: 'enabled', budgetTokens: 2048 },
        temperature: 2.5,
        topP: 0.9,
        topK: 40,
        stopSequences: ['a', 'b', '', 'c', 'd', 'e', 'f'],
        responseFormat: {
          type: 'json_schema',
          name: 'answer',
          schema: { type: 'object', additionalProperties: false },
        },
      }),
      'gemini-2.5-flash',
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 256,
      temperature: 2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['a', 'b', 'c', 'd', 'e'],
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', additionalProperties: false },
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    expect(
      buildGeminiBody(simpleTextRequest({ thinking: { type: 'adaptive' } }), 'm').generationConfig?.thinkingConfig,
    ).toEqual({ includeThoughts: true });
    expect(
      buildGeminiBody(simpleTextRequest({ thinking: { type: 'disabled' } }), 'm').generationConfig?.thinkingConfig,
    ).toBeUndefined();
    expect(
      buildGeminiBody(simpleTextRequest({ responseFormat: { type: 'json_object' } }), 'm').generationConfig
        ?.responseMimeType,
    ).toBe('application/json');
    expect(buildGeminiBody(simpleTextRequest({ maxTokens: undefined }), 'm').generationConfig).toBeUndefined();
  });

  it("hoists mid-conversation system turns into systemInstruction and drops Claude Code's billing header", () => {
    const body = buildGeminiBody(
      simpleTextRequest({
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli; cch=00000;' },
          { type: 'text', text: 'You are Claude Code.' },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'one' }] },
          { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'two' },
              { type: 'text', text: '' },
            ],
          },
        ],
      }),
      'gemini-2.5-flash',
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'You are Claude Code.' }, { text: 'Be brief.' }] });
    // The two user turns met once the system turn left, and merged; the empty text was dropped.
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }]);
  });

  it('converts media: base64 inline, URLs as fileData with a guessed type, text documents as text, file ids dropped', () => {
    const body = buildGeminiBody(
      simpleTextRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.webp?size=large' } },
              { type: 'image', source: { kind: 'url', url: 'gs://bucket/photo' } },
              { type: 'document', source: { kind: 'url', url: 'https://example.com/report.pdf' } },
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
              {
                type: 'document',
                title: 'Notes',
                source: { kind: 'text', mediaType: 'text/plain', text: 'Remember the milk.' },
              },
              { type: 'image', source: { kind: 'file', fileId: 'file_011' } },
            ],
          },
        ],
      }),
      'gemini-2.5-flash',
    );
    expect(body.contents[0]?.parts).toEqual([
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=large' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/photo' } },
      { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/report.pdf' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { text: 'Notes\n\nRemember the milk.' },
    ]);
  });

  it('sends failed tool results as {error}, results first in their turn, images after, and names unknown calls', () => {
    const body = buildGeminiBody(
      simpleTextRequest({
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool-call', id: 'call_a', name: 'screenshot', input: 'not an object' }],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Here you go.' },
              {
                type: 'tool-result',
                toolCallId: 'call_a',
                isError: true,
                content: [
                  { type: 'text', text: 'permission denied' },
                  { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
                ],
              },
              { type: 'tool-result', toolCallId: 'call_missing', isError: false, content: [] },
            ],
          },
        ],
      }),
      'gemini-2.5-flash',
    );
    expect(body.contents).toEqual([
      {
        role: 'model',
        parts: [{ functionCall: { name: 'screenshot', args: { value: 'not an object' }, id: 'call_a' } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'screenshot', response: { error: 'permission denied' }, id: 'call_a' } },
          { functionResponse: { name: 'unknown_function', response: { content: '' }, id: 'call_missing' } },
          { text: 'Here you go.' },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
        ],
      },
    ]);
  });

  it('drops thinking, which has no Gemini form', () => {
    const body = buildGeminiBody(
      simpleTextRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'hmm', signature: 'sig' },
              { type: 'redacted-thinking', data: 'opaque' },
            ],
          },
        ],
      }),
      'gemini-2.5-flash',
    );
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });
});
