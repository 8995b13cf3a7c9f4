// JSON answers in, one per finish reason, plus usage arithmetic and tool-call ids.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { seededRandom } from '../../util/random.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { geminiFixtureJson } from '../../../test/fixtures/gemini/load-fixtures.js';
import { convertGeminiResponse } from './convert-response.js';
import { convertGeminiUsage } from './convert-usage.js';

const context = { provider: 'gemini', random: seededRandom(3) };

function convert(fixture: string) {
  return convertGeminiResponse(geminiFixtureJson(fixture), toolRoundTripRequest(), context);
}

describe('convertGeminiResponse', () => {
  it('joins split text parts and maps STOP to end-turn', () => {
    expect(convert('response-text.json')).toEqual({
      id: 'pUx3aNH3Fr2p1dkPv9GNiQ4',
      upstreamModel: 'gemini-2.5-flash',
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      finishReason: 'end-turn',
      rawFinishReason: 'STOP',
      stopSequence: null,
      usage: { inputTokens: 9, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('infers tool-use from functionCall parts that finished with STOP, with a stable toolu_ id', () => {
    const response = convert('response-function-call.json');
    expect(response.finishReason).toBe('tool-use');
    expect(response.rawFinishReason).toBe('STOP');
    expect(response.content[0]).toEqual({ type: 'text', text: 'Let me check.' });
    const call = response.content[1];
    expect(call).toMatchObject({ type: 'tool-call', name: 'get_weather', input: { city: 'Paris' } });
    expect(call?.type === 'tool-call' ? call.id : '').toMatch(/^toolu_[A-Za-z0-9]{24}$/);
    // Derived from the responseId: the same answer gives the same id, whatever the Random says.
    const again = convertGeminiResponse(geminiFixtureJson('response-function-call.json'), toolRoundTripRequest(), {
      provider: 'gemini',
      random: seededRandom(99),
    });
    expect(again.content[1]).toEqual(call);
  });

  it('keeps an id Gemini sent and takes random ids when there is no responseId', () => {
    const body = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { id: 'fc_1', name: 'get_weather', args: { city: 'Rome' } } },
              { functionCall: { name: 'get_weather', args: {} } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    };
    const response = convertGeminiResponse(body, toolRoundTripRequest(), context);
    expect(response.content[0]).toMatchObject({ id: 'fc_1' });
    expect(response.content[1]).toMatchObject({ id: expect.stringMatching(/^toolu_/), input: {} });
    expect(response.id).toBeUndefined();
  });

  it('turns thought parts into a thinking block without a signature, and counts thoughts as output', () => {
    const response = convert('response-thinking.json');
    expect(response.content).toEqual([
      { type: 'thinking', text: 'The user wants a greeting.' },
      { type: 'text', text: 'Hi there!' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 1200 - 1024 + 5,
      outputTokens: 3 + 41,
      cacheReadTokens: 1024,
      cacheWriteTokens: 0,
      reasoningTokens: 41,
    });
  });

  it('maps MAX_TOKENS, SAFETY and MALFORMED_FUNCTION_CALL', () => {
    expect(convert('response-max-tokens.json')).toMatchObject({
      finishReason: 'max-tokens',
      rawFinishReason: 'MAX_TOKENS',
    });
    expect(convert('response-safety.json')).toMatchObject({
      finishReason: 'content-filter',
      rawFinishReason: 'SAFETY',
      content: [],
    });
    expect(convert('response-malformed-function-call.json')).toMatchObject({
      finishReason: 'other',
      rawFinishReason: 'MALFORMED_FUNCTION_CALL',
      content: [],
    });
  });

  it('answers a blocked prompt (no candidates) with an empty content-filter response', () => {
    expect(convert('response-prompt-blocked.json')).toMatchObject({
      content: [],
      finishReason: 'content-filter',
      rawFinishReason: 'SAFETY',
      usage: { inputTokens: 14, outputTokens: 0 },
    });
  });

  it("maps tool names it changed back to the client's", () => {
    const name = 'mcp__server__tool with spaces';
    const request = simpleTextRequest({
      tools: [{ name, inputSchema: { type: 'object', properties: { a: { type: 'string' } } } }],
    });
    const body = {
      candidates: [
        {
          content: { parts: [{ functionCall: { name: 'mcp__server__tool_with_spaces', args: { a: 'x' } } }] },
          finishReason: 'STOP',
        },
      ],
    };
    expect(convertGeminiResponse(body, request, context).content[0]).toMatchObject({ name });
  });

  it('throws classified UpstreamErrors for an error body or a body that is not a response', () => {
    const overloaded = (() => {
      try {
        convertGeminiResponse(
          { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } },
          toolRoundTripRequest(),
          context,
        );
      } catch (error) {
        return error;
      }
    })();
    expect(UpstreamError.isInstance(overloaded) && overloaded.kind).toBe('overloaded');
    expect(() => convertGeminiResponse([], toolRoundTripRequest(), context)).toThrow(/not a GenerateContentResponse/);
  });
});

describe('convertGeminiUsage', () => {
  it('never reports negative input when cached exceeds prompt, and omits reasoning when Gemini did', () => {
    expect(
      convertGeminiUsage({ promptTokenCount: 10, cachedContentTokenCount: 50, candidatesTokenCount: 'x' }),
    ).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 10,
      cacheWriteTokens: 0,
    });
  });
});
