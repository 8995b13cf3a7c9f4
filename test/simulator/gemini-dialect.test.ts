// The Gemini Developer API dialect on the wire: generateContent / streamGenerateContent /
// countTokens / models, API-key authentication as Google answers it, request options
// (snake_case fields, maxOutputTokens, function-calling modes) and every fault kind in Google's shape.
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

const apiKey = { 'content-type': 'application/json', 'x-goog-api-key': 'gemini-simulator-test-key' };
const userText = 'Tell me about lighthouses';

function modelUrl(method: string, sim = simulator, model = 'gemini-2.5-flash', version = 'v1beta'): string {
  return `${sim.url}/u/gemini-a/${version}/models/${model}:${method}`;
}

function geminiBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text: userText }] }], ...overrides };
}

const twoTools = [
  {
    functionDeclarations: [
      { name: 'get_weather', parameters: weatherToolSchema },
      { name: 'second', parameters: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] } },
    ],
  },
];

describe('generateContent and streamGenerateContent', () => {
  it('answers the same words as the Messages API, under v1beta and v1', async () => {
    const direct = await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    for (const version of ['v1beta', 'v1']) {
      const reply = await postJson(
        modelUrl('generateContent', simulator, 'gemini-2.5-flash', version),
        geminiBody(),
        apiKey,
      );
      expect(reply.status).toBe(200);
      expect(reply.json.candidates[0]).toEqual({
        content: { role: 'model', parts: [{ text: direct.json.content[0].text }] },
        finishReason: 'STOP',
        index: 0,
      });
      expect(reply.json.usageMetadata.candidatesTokenCount).toBe(direct.json.usage.output_tokens);
      expect(reply.json.modelVersion).toBe('gemini-2.5-flash');
    }
  });

  it('streams SSE with alt=sse (CRLF-separated data lines), a JSON array without', async () => {
    const sse = await postRaw(`${modelUrl('streamGenerateContent')}?alt=sse`, geminiBody(), apiKey);
    expect(sse.status).toBe(200);
    const blocks = sse.text.split('\r\n\r\n');
    expect(blocks.at(-1)).toBe('');
    expect(blocks.slice(0, -1).every((block) => block.startsWith('data: {'))).toBe(true);
    expect(sse.text).not.toContain('[DONE]');
    const last = JSON.parse(blocks.at(-2)!.slice('data: '.length));
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata.totalTokenCount).toBeGreaterThan(0);
    const array = JSON.parse((await postRaw(modelUrl('streamGenerateContent'), geminiBody(), apiKey)).text);
    expect(array).toHaveLength(blocks.length - 1);
  });

  it('reads snake_case fields, system instructions and maxOutputTokens', async () => {
    const body = geminiBody({
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      generation_config: { max_output_tokens: 3 },
    });
    const reply = await postJson(modelUrl('generateContent'), body, apiKey);
    expect(reply.json.candidates[0]).toMatchObject({
      finishReason: 'MAX_TOKENS',
      content: { parts: [{ text: 'You said: Tell' }] },
    });
    // "Be brief." adds 9 characters to the 25 of the question: 34 characters, 9 tokens.
    expect(reply.json.usageMetadata).toEqual({ promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 });
  });

  it('calls the tool the prompt names under AUTO, none under NONE, the allowed one under ANY', async () => {
    const unasked = await postJson(modelUrl('generateContent'), geminiBody({ tools: twoTools }), apiKey);
    expect(unasked.json.candidates[0].content.parts[0].text).toEqual(expect.any(String));
    const asking = [{ role: 'user', parts: [{ text: askFor('get_weather')[0]?.content }] }];
    const auto = await postJson(modelUrl('generateContent'), geminiBody({ contents: asking, tools: twoTools }), apiKey);
    expect(auto.json.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'sample', days: 1, units: 'metric' } } },
    ]);
    expect(auto.json.candidates[0].finishReason).toBe('STOP');
    const none = await postJson(
      modelUrl('generateContent'),
      geminiBody({ tools: twoTools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } }),
      apiKey,
    );
    expect(none.json.candidates[0].content.parts[0].text).toEqual(expect.any(String));
    const forced = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['second'] } };
    const any = await postJson(
      modelUrl('generateContent'),
      geminiBody({ tools: twoTools, toolConfig: forced }),
      apiKey,
    );
    expect(any.json.candidates[0].content.parts[0].functionCall).toEqual({ name: 'second', args: { flag: true } });
  });

  it('refuses what Google refuses: a bad function name, a list as a schema type, an unknown role', async () => {
    const badName = await postJson(
      modelUrl('generateContent'),
      geminiBody({ tools: [{ functionDeclarations: [{ name: 'get weather' }] }] }),
      apiKey,
    );
    expect(badName.json.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expect.stringContaining('Invalid function name'),
    });
    const nullable = { type: 'object', properties: { city: { type: ['string', 'null'] } } };
    const listType = await postJson(
      modelUrl('generateContent'),
      geminiBody({ tools: [{ functionDeclarations: [{ name: 'f', parameters: nullable }] }] }),
      apiKey,
    );
    expect(listType.status).toBe(400);
    const role = await postJson(
      modelUrl('generateContent'),
      { contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] },
      apiKey,
    );
    expect(role.json.error.message).toBe('Please use a valid role: user, model.');
  });

  it('counts tokens and lists models', async () => {
    const counted = await postJson(modelUrl('countTokens'), geminiBody(), apiKey);
    expect(counted.json).toEqual({ totalTokens: 7 });
    const list = await request(`${simulator.url}/u/gemini-a/v1beta/models`, { headers: apiKey });
    const models = (await list.body.json()) as {
      models: Array<{ name: string; supportedGenerationMethods: string[] }>;
    };
    expect(models.models.map((model) => model.name)).toContain('models/gemini-2.5-flash');
    const single = await request(`${simulator.url}/u/gemini-a/v1beta/models/gemini-2.5-pro`, { headers: apiKey });
    expect(((await single.body.json()) as { name: string }).name).toBe('models/gemini-2.5-pro');
  });
});

describe('authentication', () => {
  it('refuses a request without a key with 403 PERMISSION_DENIED and counts it as rejected', async () => {
    const sim = await startSimulator();
    try {
      const reply = await postJson(modelUrl('generateContent', sim), geminiBody(), {
        'content-type': 'application/json',
      });
      expect(reply.status).toBe(403);
      expect(reply.json.error).toMatchObject({
        code: 403,
        status: 'PERMISSION_DENIED',
        message: expect.stringContaining('unregistered callers'),
      });
      expect(sim.stats().upstreams['gemini-a']).toMatchObject({ requests: 1, rejected: 1 });
    } finally {
      await sim.close();
    }
  });

  it('refuses a blank key with 400 API_KEY_INVALID', async () => {
    const reply = await postJson(modelUrl('generateContent'), geminiBody(), {
      'content-type': 'application/json',
      'x-goog-api-key': ' ',
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
    });
  });

  it('accepts the key as ?key= and an OAuth bearer token', async () => {
    expect(
      (
        await postJson(`${modelUrl('generateContent')}?key=from-query`, geminiBody(), {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await postJson(modelUrl('generateContent'), geminiBody(), {
          'content-type': 'application/json',
          authorization: 'Bearer ya29.token',
        })
      ).status,
    ).toBe(200);
  });

  it('records the request as received, query string included', async () => {
    const sim = await startSimulator();
    try {
      await postSse(`${modelUrl('streamGenerateContent', sim)}?alt=sse`, geminiBody(), apiKey);
      const [recorded] = sim.requests('gemini-a');
      expect(recorded).toMatchObject({
        method: 'POST',
        url: '/u/gemini-a/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
        body: geminiBody(),
      });
      expect(sim.stats().upstreams['gemini-a']).toMatchObject({ succeeded: 1 });
    } finally {
      await sim.close();
    }
  });
});

describe("faults in Google's format", () => {
  it('error: 429 with RetryInfo, 503 UNAVAILABLE for 529, a configured message', async () => {
    const sim = await startSimulator();
    try {
      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'error', status: 429, retryAfterSeconds: 12 });
      const limited = await postJson(modelUrl('generateContent', sim), geminiBody(), apiKey);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeUndefined();
      expect(limited.json).toEqual({
        error: {
          code: 429,
          message: 'Resource has been exhausted (e.g. check quota).',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }],
        },
      });
      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'error', status: 529, message: 'The model is overloaded.' });
      const overloaded = await postJson(modelUrl('generateContent', sim), geminiBody(), apiKey);
      expect(overloaded.status).toBe(503);
      expect(overloaded.json.error).toEqual({ code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' });
    } finally {
      await sim.close();
    }
  });

  it('mid-stream error, cut and malformed on the SSE stream', async () => {
    const sim = await startSimulator();
    const sseUrl = `${modelUrl('streamGenerateContent', sim)}?alt=sse`;
    try {
      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'error', status: 429, afterEvents: 1 });
      const failing = await postSse(sseUrl, geminiBody(), apiKey);
      expect(failing.status).toBe(200);
      expect(failing.events.map((event) => Object.keys(JSON.parse(event.data))[0])).toEqual(['candidates', 'error']);
      expect(JSON.parse(failing.events[1]!.data).error.status).toBe('RESOURCE_EXHAUSTED');

      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'cut', afterEvents: 10_000 });
      const cut = await postRaw(sseUrl, geminiBody(), apiKey);
      expect(cut.failure).toBeDefined();
      expect(cut.text).not.toContain('finishReason');

      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'malformed' });
      const malformed = await postRaw(sseUrl, geminiBody(), apiKey);
      expect(malformed.status).toBe(200);
      expect(malformed.failure).toBeUndefined();
      const data = malformed.text
        .split('\r\n\r\n')
        .filter((block) => block.length > 0)
        .map((block) => block.slice('data: '.length));
      expect(data).toHaveLength(2);
      expect(() => JSON.parse(data[1]!)).toThrow();
      const array = await postRaw(modelUrl('streamGenerateContent', sim), geminiBody(), apiKey);
      expect(array.text.startsWith('[{')).toBe(true);
      expect(() => JSON.parse(array.text)).toThrow();
      expect(sim.stats().upstreams['gemini-a']).toMatchObject({ failed: 4 });
    } finally {
      await sim.close();
    }
  });

  it('hang, reset and latency', async () => {
    const clock = new ManualClock();
    const sim = await startSimulator({ clock });
    try {
      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'hang' });
      const controller = new AbortController();
      const hanging = postJson(modelUrl('generateContent', sim), geminiBody(), apiKey, controller.signal);
      await vi.waitFor(() => expect(sim.stats().upstreams['gemini-a']?.inFlight).toBe(1));
      controller.abort();
      await expect(hanging).rejects.toThrow();

      sim.faults.add({ id: 'x', target: 'gemini-a', kind: 'reset' });
      await expect(
        request(modelUrl('generateContent', sim), {
          method: 'POST',
          headers: apiKey,
          body: JSON.stringify(geminiBody()),
        }),
      ).rejects.toThrow();

      sim.faults.clear();
      sim.faults.add({ target: 'gemini-a', kind: 'latency', ms: 300 });
      let settled = false;
      const delayed = postSse(`${modelUrl('streamGenerateContent', sim)}?alt=sse`, geminiBody(), apiKey).finally(() => {
        settled = true;
      });
      await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
      await clock.advance(299);
      expect(settled).toBe(false);
      await clock.advance(1);
      expect((await delayed).events.length).toBeGreaterThan(1);
      await vi.waitFor(() =>
        expect(sim.stats().upstreams['gemini-a']).toMatchObject({ aborted: 1, failed: 1, succeeded: 1, inFlight: 0 }),
      );
    } finally {
      await sim.close();
    }
  });
});
