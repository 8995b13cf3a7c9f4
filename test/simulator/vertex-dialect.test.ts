// The Vertex dialects on the wire: Claude through rawPredict / streamRawPredict (Anthropic JSON and
// SSE), Gemini through generateContent / streamGenerateContent (SSE with alt=sse, a JSON array
// without). Bearer authentication and faults: vertex-dialect-auth.test.ts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import {
  anthropicBody,
  anthropicHeaders,
  askFor,
  postJson,
  postRaw,
  postSse,
  weatherToolSchema,
} from './simulator-client.js';
import { bearer, geminiBody, rawPredictBody, userText, vertexClaudeUrl, vertexGeminiUrl } from './vertex-requests.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const askingForWeather = [{ role: 'user', parts: [{ text: askFor('get_weather')[0]?.content }] }];
const claudeUrl = (method: string, model?: string, version?: string, sim = simulator, name?: string) =>
  vertexClaudeUrl(sim.url, method, model, version, name);
const geminiUrl = (method: string, sim = simulator, name?: string, version?: string) =>
  vertexGeminiUrl(sim.url, method, name, version);

const weatherTools = [
  { functionDeclarations: [{ name: 'get_weather', description: 'Weather', parameters: weatherToolSchema }] },
];

describe('Claude on Vertex (publishers/anthropic)', () => {
  it('rawPredict answers an Anthropic message with the model from the path, the same text as the Messages API', async () => {
    const reply = await postJson(claudeUrl('rawPredict'), rawPredictBody(), bearer);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5@20250929',
      stop_reason: 'end_turn',
    });
    const direct = await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    expect(reply.json.content).toEqual(direct.json.content);
  });

  it('streamRawPredict (and stream: true in the body) answers the Anthropic SSE sequence, also under v1beta1', async () => {
    for (const [url, body] of [
      [claudeUrl('streamRawPredict'), rawPredictBody({ stream: true })],
      [claudeUrl('rawPredict', 'claude-sonnet-4-5@20250929', 'v1beta1'), rawPredictBody({ stream: true })],
    ] as const) {
      const reply = await postSse(url, body, bearer);
      expect(reply.status).toBe(200);
      const names = reply.events.map((event) => event.event);
      expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
      expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    }
  });

  it('calls a tool as the Messages API does', async () => {
    const reply = await postJson(
      claudeUrl('rawPredict'),
      rawPredictBody({
        messages: askFor('get_weather'),
        tools: [{ name: 'get_weather', input_schema: weatherToolSchema }],
      }),
      bearer,
    );
    expect(reply.json.stop_reason).toBe('tool_use');
    expect(reply.json.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'sample', days: 1, units: 'metric' },
    });
  });

  it("refuses a body without the Vertex anthropic_version in Anthropic's shape", async () => {
    for (const version of [undefined, 'bedrock-2023-05-31']) {
      const reply = await postJson(claudeUrl('rawPredict'), rawPredictBody({ anthropic_version: version }), bearer);
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('vertex-2023-10-16') },
      });
    }
  });

  it('refuses first-party-only betas and fields with the 400 Vertex sends', async () => {
    const beta = await postJson(claudeUrl('rawPredict'), rawPredictBody(), {
      ...bearer,
      'anthropic-beta': 'interleaved-thinking-2025-05-14,claude-code-20250219',
    });
    expect(beta.status).toBe(400);
    expect(beta.json).toMatchObject(
      JSON.parse(readFileSync(new URL('../fixtures/vertex/errors/400-unexpected-beta.json', import.meta.url), 'utf8')),
    );
    const field = await postJson(
      claudeUrl('rawPredict'),
      rawPredictBody({ context_management: { edits: [] } }),
      bearer,
    );
    expect(field.status).toBe(400);
    expect(field.json).toMatchObject({
      error: { type: 'invalid_request_error', message: 'context_management: Extra inputs are not permitted' },
    });
    const accepted = await postJson(claudeUrl('rawPredict'), rawPredictBody(), {
      ...bearer,
      'anthropic-beta': 'interleaved-thinking-2025-05-14',
    });
    expect(accepted.status).toBe(200);
  });

  it('counts tokens through count-tokens:rawPredict, model kept in the body', async () => {
    const reply = await postJson(
      claudeUrl('rawPredict', 'count-tokens'),
      { model: 'claude-sonnet-4-5@20250929', messages: [{ role: 'user', content: userText }] },
      bearer,
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ input_tokens: 7 });
  });
});

describe('Gemini on Vertex (publishers/google)', () => {
  it('generateContent answers a GenerateContentResponse with the same words as the other dialects', async () => {
    const reply = await postJson(geminiUrl('generateContent'), geminiBody(), bearer);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=UTF-8');
    const direct = await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    expect(reply.json).toEqual({
      candidates: [
        { content: { role: 'model', parts: [{ text: direct.json.content[0].text }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 7,
        candidatesTokenCount: direct.json.usage.output_tokens,
        totalTokenCount: 7 + direct.json.usage.output_tokens,
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: expect.any(String),
    });
  });

  it('streamGenerateContent?alt=sse sends incremental text chunks, the last with finishReason and usage', async () => {
    const reply = await postSse(`${geminiUrl('streamGenerateContent')}?alt=sse`, geminiBody(), bearer);
    expect(reply.status).toBe(200);
    const chunks = reply.events.map((event) => JSON.parse(event.data));
    expect(reply.events.every((event) => event.event === undefined)).toBe(true);
    expect(chunks.length).toBeGreaterThan(3);
    const whole = await postJson(geminiUrl('generateContent'), geminiBody(), bearer);
    expect(chunks.map((chunk) => chunk.candidates[0].content.parts[0].text).join('')).toBe(
      whole.json.candidates[0].content.parts[0].text,
    );
    expect(
      chunks
        .slice(0, -1)
        .some((chunk) => chunk.candidates[0].finishReason !== undefined || chunk.usageMetadata !== undefined),
    ).toBe(false);
    expect(chunks.at(-1).candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1).usageMetadata).toEqual(whole.json.usageMetadata);
  });

  it('without alt=sse streams one JSON array of the same chunks', async () => {
    const raw = await postRaw(geminiUrl('streamGenerateContent'), geminiBody(), bearer);
    expect(raw.status).toBe(200);
    const chunks = JSON.parse(raw.text);
    expect(Array.isArray(chunks)).toBe(true);
    expect(chunks.at(-1).candidates[0].finishReason).toBe('STOP');
  });

  it('answers a functionCall part whole, finishing with STOP, and a functionResponse with text', async () => {
    const streamed = await postSse(
      `${geminiUrl('streamGenerateContent')}?alt=sse`,
      geminiBody({ contents: askingForWeather, tools: weatherTools }),
      bearer,
    );
    expect(streamed.events).toHaveLength(1);
    const chunk = JSON.parse(streamed.events[0]!.data);
    expect(chunk.candidates[0]).toMatchObject({
      content: {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'sample', days: 1, units: 'metric' } } }],
      },
      finishReason: 'STOP',
    });
    const contents = [
      ...(geminiBody().contents as unknown[]),
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'sample', days: 1, units: 'metric' } } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { result: 'Sunny and 21 degrees' } } }],
      },
    ];
    const answered = await postJson(
      geminiUrl('generateContent'),
      geminiBody({ contents, tools: weatherTools }),
      bearer,
    );
    expect(answered.json.candidates[0].content.parts[0].text).toMatch(
      /^The tool get_weather returned: Sunny and 21 degrees/,
    );
  });

  it('refuses a parameters schema with keywords Gemini does not know, and takes them in parametersJsonSchema', async () => {
    const strictSchema = { ...weatherToolSchema, additionalProperties: false };
    const refused = await postJson(
      geminiUrl('generateContent'),
      geminiBody({ tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: strictSchema }] }] }),
      bearer,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expect.stringContaining('Unknown name "additionalProperties"'),
    });
    const accepted = await postJson(
      geminiUrl('generateContent'),
      geminiBody({
        contents: askingForWeather,
        tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: strictSchema }] }],
      }),
      bearer,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.json.candidates[0].content.parts[0].functionCall.name).toBe('get_weather');
  });

  it('refuses empty contents with INVALID_ARGUMENT', async () => {
    const reply = await postJson(geminiUrl('generateContent'), { contents: [] }, bearer);
    expect(reply.status).toBe(400);
    expect(reply.json.error.status).toBe('INVALID_ARGUMENT');
  });
});
