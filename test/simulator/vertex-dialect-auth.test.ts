import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { postJson, postRaw, postSse } from './simulator-client.js';

import { bearer, geminiBody, rawPredictBody, vertexClaudeUrl, vertexGeminiUrl } from './vertex-requests.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const claudeUrl = (method: string, model?: string, version?: string, sim = simulator, name?: string) =>
  vertexClaudeUrl(sim.url, method, model, version, name);
const geminiUrl = (method: string, sim = simulator, name?: string, version?: string) =>
  vertexGeminiUrl(sim.url, method, name, version);

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
