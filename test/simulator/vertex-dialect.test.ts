// The Vertex dialects on the wire: Claude through rawPredict / streamRawPredict (Anthropic JSON and
// SSE), Gemini through generateContent / streamGenerateContent (SSE with alt=sse, a JSON array
// without), bearer authentication, and every fault kind in the publisher's own error format.
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  anthropicBody,
  anthropicHeaders,
  askFor,
  postJson,
  postRaw,
  postSse,
  weatherToolSchema,
} from './simulator-client.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const bearer = { 'content-type': 'application/json', authorization: 'Bearer ya29.simulated-access-token' };
const userText = 'Tell me about lighthouses';
const askingForWeather = [{ role: 'user', parts: [{ text: askFor('get_weather')[0]?.content }] }];

function claudeUrl(
  method: string,
  model = 'claude-sonnet-4-5@20250929',
  version = 'v1',
  sim = simulator,
  name = 'vertex-claude',
): string {
  return `${sim.url}/u/${name}/${version}/projects/my-project/locations/us-east5/publishers/anthropic/models/${model}:${method}`;
}

function geminiUrl(method: string, sim = simulator, name = 'vertex-gemini', version = 'v1'): string {
  return `${sim.url}/u/${name}/${version}/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:${method}`;
}

function rawPredictBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: 'vertex-2023-10-16',
    max_tokens: 256,
    messages: [{ role: 'user', content: userText }],
    ...overrides,
  };
}

function geminiBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text: userText }] }], ...overrides };
}

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

describe('authentication', () => {
  it.each([
    ['anthropic rawPredict', () => claudeUrl('rawPredict'), rawPredictBody()],
    ['google generateContent', () => geminiUrl('generateContent'), geminiBody()],
  ])("%s without a bearer token answers 401 UNAUTHENTICATED in Google's shape", async (_case, url, body) => {
    const reply = await postJson(url(), body, {
      'content-type': 'application/json',
      'x-goog-api-key': 'not-enough-for-vertex',
    });
    expect(reply.status).toBe(401);
    expect(reply.json.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^Request is missing required authentication credential/),
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING' }],
    });
  });
});

describe("faults in each publisher's format", () => {
  it('google publisher: 429 RESOURCE_EXHAUSTED with RetryInfo, 529 → 503 UNAVAILABLE, 500 INTERNAL', async () => {
    const sim = await startSimulator();
    try {
      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'error', status: 429 });
      const limited = await postJson(geminiUrl('generateContent', sim), geminiBody(), bearer);
      expect(limited.status).toBe(429);
      expect(limited.json.error).toMatchObject({
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
      });
      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'error', status: 429, retryAfterSeconds: 30 });
      expect(
        (await postJson(geminiUrl('generateContent', sim), geminiBody(), bearer)).json.error.details[0].retryDelay,
      ).toBe('30s');
      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'error', status: 529 });
      const overloaded = await postJson(geminiUrl('generateContent', sim), geminiBody(), bearer);
      expect([overloaded.status, overloaded.json.error.status]).toEqual([503, 'UNAVAILABLE']);
      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'error', status: 500 });
      const broken = await postJson(geminiUrl('generateContent', sim), geminiBody(), bearer);
      expect([broken.status, broken.json.error.status]).toEqual([500, 'INTERNAL']);
      expect(broken.json.error.details).toBeUndefined();
    } finally {
      await sim.close();
    }
  });

  it("anthropic publisher: model-side errors in Anthropic's shape, quota and auth in Google's", async () => {
    const sim = await startSimulator();
    try {
      sim.faults.add({ id: 'x', target: 'vertex-claude', kind: 'error', status: 529 });
      const overloaded = await postJson(claudeUrl('rawPredict', undefined, 'v1', sim), rawPredictBody(), bearer);
      expect(overloaded.status).toBe(529);
      expect(overloaded.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      sim.faults.add({ id: 'x', target: 'vertex-claude', kind: 'error', status: 429 });
      const quota = await postJson(claudeUrl('rawPredict', undefined, 'v1', sim), rawPredictBody(), bearer);
      expect(quota.status).toBe(429);
      expect(quota.json.error).toMatchObject({
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: expect.stringContaining('Resource exhausted'),
      });
      sim.faults.add({ id: 'x', target: 'vertex-claude', kind: 'error', status: 403 });
      expect(
        (await postJson(claudeUrl('rawPredict', undefined, 'v1', sim), rawPredictBody(), bearer)).json.error.status,
      ).toBe('PERMISSION_DENIED');
      sim.faults.add({ id: 'x', target: 'vertex-claude', kind: 'error', status: 503, afterEvents: 2 });
      const midStream = await postSse(
        claudeUrl('streamRawPredict', undefined, 'v1', sim),
        rawPredictBody({ stream: true }),
        bearer,
      );
      expect(midStream.events.map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'error']);
      expect(JSON.parse(midStream.events[2]!.data)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    } finally {
      await sim.close();
    }
  });

  it('google publisher mid-stream: an {"error"} chunk after afterEvents chunks, in SSE and in the JSON array', async () => {
    const sim = await startSimulator();
    try {
      sim.faults.add({ target: 'vertex-gemini', kind: 'error', status: 503, afterEvents: 2 });
      const sse = await postSse(`${geminiUrl('streamGenerateContent', sim)}?alt=sse`, geminiBody(), bearer);
      expect(sse.status).toBe(200);
      const chunks = sse.events.map((event) => JSON.parse(event.data));
      expect(chunks).toHaveLength(3);
      expect(chunks[2]).toEqual({ error: { code: 503, message: expect.any(String), status: 'UNAVAILABLE' } });
      const array = JSON.parse((await postRaw(geminiUrl('streamGenerateContent', sim), geminiBody(), bearer)).text);
      expect(array).toHaveLength(3);
      expect(array[2].error.status).toBe('UNAVAILABLE');
      sim.faults.clear();
      sim.faults.add({ target: 'vertex-gemini', kind: 'error', status: 500, afterEvents: 0 });
      expect(JSON.parse((await postRaw(geminiUrl('streamGenerateContent', sim), geminiBody(), bearer)).text)).toEqual([
        { error: expect.objectContaining({ status: 'INTERNAL' }) },
      ]);
    } finally {
      await sim.close();
    }
  });

  it('cut, malformed, hang, reset and latency', async () => {
    const clock = new ManualClock();
    const sim = await startSimulator({ clock });
    const sseUrl = `${geminiUrl('streamGenerateContent', sim)}?alt=sse`;
    try {
      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'cut', afterEvents: 2 });
      const cut = await postRaw(sseUrl, geminiBody(), bearer);
      expect(cut.failure).toBeDefined();
      expect(cut.text.split('\r\n\r\n').filter((block) => block.length > 0)).toHaveLength(2);

      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'malformed' });
      const malformed = await postSse(sseUrl, geminiBody(), bearer);
      expect(malformed.status).toBe(200);
      expect(() => JSON.parse(malformed.events[0]!.data)).not.toThrow();
      expect(() => JSON.parse(malformed.events[1]!.data)).toThrow();
      const malformedJson = await postRaw(geminiUrl('generateContent', sim), geminiBody(), bearer);
      expect(() => JSON.parse(malformedJson.text)).toThrow();
      // The same upstream name also speaks Claude on Vertex: its malformed answer is Anthropic-shaped.
      const malformedClaude = await postRaw(
        claudeUrl('rawPredict', undefined, 'v1', sim, 'vertex-gemini'),
        rawPredictBody(),
        bearer,
      );
      expect(malformedClaude.text.startsWith('{"id":"msg_')).toBe(true);
      expect(() => JSON.parse(malformedClaude.text)).toThrow();

      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'reset' });
      await expect(
        request(geminiUrl('generateContent', sim), {
          method: 'POST',
          headers: bearer,
          body: JSON.stringify(geminiBody()),
        }),
      ).rejects.toThrow();

      sim.faults.add({ id: 'x', target: 'vertex-gemini', kind: 'hang' });
      const controller = new AbortController();
      const hanging = postJson(geminiUrl('generateContent', sim), geminiBody(), bearer, controller.signal);
      await vi.waitFor(() => expect(sim.stats().upstreams['vertex-gemini']?.inFlight).toBe(1));
      controller.abort();
      await expect(hanging).rejects.toThrow();
      await vi.waitFor(() => expect(sim.stats().upstreams['vertex-gemini']).toMatchObject({ aborted: 1, inFlight: 0 }));

      sim.faults.clear();
      sim.faults.add({ target: 'vertex-gemini', kind: 'latency', ms: 800 });
      let settled = false;
      const delayed = postJson(geminiUrl('generateContent', sim), geminiBody(), bearer).finally(() => {
        settled = true;
      });
      await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
      await clock.advance(799);
      expect(settled).toBe(false);
      await clock.advance(1);
      expect((await delayed).status).toBe(200);
      expect(sim.stats().upstreams['vertex-gemini']).toMatchObject({ failed: 5, aborted: 1, succeeded: 1 });
    } finally {
      await sim.close();
    }
  });
});
