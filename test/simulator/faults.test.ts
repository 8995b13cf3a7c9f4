// Every fault kind, observed from the client side, with the counters the simulator keeps.
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { seededRandom } from '../../src/util/random.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  anthropicBody,
  anthropicHeaders,
  control,
  openaiBody,
  openaiHeaders,
  postJson,
  postRaw,
} from './simulator-client.js';

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  simulator = await startSimulator(options);
  return simulator;
}

const messages = (sim: RunningSimulator, name = 'claude-a') => `${sim.url}/u/${name}/v1/messages`;
const completions = (sim: RunningSimulator, name = 'gpt-b') => `${sim.url}/u/${name}/v1/chat/completions`;

describe('error faults', () => {
  it('answer 529 with Anthropic overloaded_error and count as failed', async () => {
    const sim = await start();
    const added = await control(sim.url, 'POST', '/_sim/faults', { target: 'claude-a', kind: 'error', status: 529 });
    expect(added.status).toBe(200);
    expect(added.json.id).toBeTypeOf('string');
    const reply = await postJson(messages(sim), anthropicBody(), anthropicHeaders);
    expect(reply.status).toBe(529);
    expect(reply.json).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: expect.stringMatching(/^req_/),
    });
    expect(sim.stats().upstreams['claude-a']).toMatchObject({ requests: 1, failed: 1, succeeded: 0 });
  });

  it.each([
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [503, 'api_error'],
  ])('answer %i with Anthropic %s', async (status, type) => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'error', status });
    const reply = await postJson(messages(sim), anthropicBody(), anthropicHeaders);
    expect(reply.status).toBe(status);
    expect(reply.json.error.type).toBe(type);
    expect(reply.headers['retry-after']).toBe(status === 429 ? '1' : undefined);
  });

  it('carry a configured retry-after on Anthropic 429s', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'error', status: 429, retryAfterSeconds: 7 });
    const reply = await postJson(messages(sim), anthropicBody(), anthropicHeaders);
    expect(reply.headers['retry-after']).toBe('7');
  });

  it('answer in OpenAI shape on OpenAI paths, with retry-after and retry-after-ms on 429', async () => {
    const sim = await start();
    sim.faults.add({ target: 'gpt-b', kind: 'error', status: 429, retryAfterSeconds: 2 });
    const limited = await postJson(completions(sim), openaiBody(), openaiHeaders);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.headers['retry-after-ms']).toBe('2000');
    sim.faults.clear();
    sim.faults.add({ target: 'gpt-b', kind: 'error', status: 500 });
    const broken = await postJson(completions(sim), openaiBody(), openaiHeaders);
    expect(broken.status).toBe(500);
    expect(broken.json.error).toMatchObject({ type: 'server_error', code: null });
  });

  it('decide each request with the seeded random when probability < 1', async () => {
    const seed = 1234;
    const outcomes = async (): Promise<boolean[]> => {
      const sim = await start({ seed });
      sim.faults.add({ target: 'claude-a', kind: 'error', status: 529, probability: 0.5 });
      const failed: boolean[] = [];
      for (let index = 0; index < 24; index += 1) {
        const reply = await postJson(messages(sim), anthropicBody(), anthropicHeaders);
        failed.push(reply.status === 529);
      }
      await sim.close();
      return failed;
    };
    const first = await outcomes();
    const second = await outcomes();
    const random = seededRandom(seed);
    const expected = first.map(() => random.next() < 0.5);
    expect(first).toEqual(expected);
    expect(second).toEqual(first);
    expect(first.some(Boolean) && first.some((failed) => !failed)).toBe(true);
  });
});

describe('mid-stream error faults', () => {
  it('Anthropic: 200, afterEvents events, then event: error with the provider body', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'error', status: 529, afterEvents: 3 });
    const reply = await postRaw(messages(sim), anthropicBody({ stream: true }), anthropicHeaders);
    expect(reply.status).toBe(200);
    expect(reply.failure).toBeUndefined();
    const events = reply.text.split('\n\n').filter((block) => block.length > 0);
    expect(events.map((event) => /^event: (\S+)/.exec(event)?.[1])).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'error',
    ]);
    const data = JSON.parse(events[3]!.split('\ndata: ')[1]!);
    expect(data).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(sim.stats().upstreams['claude-a']).toMatchObject({ failed: 1 });
  });

  it('OpenAI: 200, afterEvents chunks, then a data line with an error key', async () => {
    const sim = await start();
    sim.faults.add({ target: 'gpt-b', kind: 'error', status: 500, afterEvents: 2 });
    const reply = await postRaw(completions(sim), openaiBody({ stream: true }), openaiHeaders);
    expect(reply.status).toBe(200);
    const lines = reply.text.split('\n\n').filter((block) => block.length > 0);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!.slice('data: '.length))).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: null },
    });
  });

  it('answers a plain HTTP error to a non-stream request', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'error', status: 529, afterEvents: 3 });
    expect((await postJson(messages(sim), anthropicBody(), anthropicHeaders)).status).toBe(529);
  });
});

describe('latency and hang faults', () => {
  it('latency holds the answer back by ms on the injected clock', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    sim.faults.add({ target: 'claude-a', kind: 'latency', ms: 5000 });
    let settled = false;
    const pending = postJson(messages(sim), anthropicBody(), anthropicHeaders).finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
    await clock.advance(4999);
    expect(settled).toBe(false);
    await clock.advance(1);
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(sim.stats().upstreams['claude-a']).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('hang never answers, and a client that gives up is counted as aborted', async () => {
    const sim = await start();
    await control(sim.url, 'POST', '/_sim/faults', { target: 'claude-*', kind: 'hang' });
    const controller = new AbortController();
    const pending = postJson(messages(sim), anthropicBody(), anthropicHeaders, controller.signal);
    await vi.waitFor(() => expect(sim.stats().upstreams['claude-a']?.inFlight).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() =>
      expect(sim.stats().upstreams['claude-a']).toMatchObject({ requests: 1, aborted: 1, inFlight: 0, failed: 0 }),
    );
  });

  it('closing the simulator releases hanging requests', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'hang' });
    const pending = postJson(messages(sim), anthropicBody(), anthropicHeaders);
    await vi.waitFor(() => expect(sim.stats().upstreams['claude-a']?.inFlight).toBe(1));
    await sim.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('cut, malformed and reset faults', () => {
  it('cut sends afterEvents SSE events then drops the connection', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'cut', afterEvents: 2 });
    const reply = await postRaw(messages(sim), anthropicBody({ stream: true }), anthropicHeaders);
    expect(reply.status).toBe(200);
    expect(reply.failure).toBeDefined();
    const events = reply.text.split('\n\n').filter((block) => block.length > 0);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatch(/^event: message_start\n/);
    expect(events[1]).toMatch(/^event: content_block_start\n/);
    expect(sim.stats().upstreams['claude-a']).toMatchObject({ failed: 1, aborted: 0 });
  });

  it('cut never lets a whole stream through, even with a large afterEvents', async () => {
    const sim = await start();
    sim.faults.add({ target: 'gpt-b', kind: 'cut', afterEvents: 10_000 });
    const reply = await postRaw(completions(sim), openaiBody({ stream: true }), openaiHeaders);
    expect(reply.failure).toBeDefined();
    expect(reply.text).not.toContain('[DONE]');
  });

  it('cut sends part of a JSON body then drops the connection', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'cut' });
    const reply = await postRaw(messages(sim), anthropicBody(), anthropicHeaders);
    expect(reply.failure).toBeDefined();
    expect(reply.text.startsWith('{"id":"msg_')).toBe(true);
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  it('malformed answers 200 with JSON that does not parse', async () => {
    const sim = await start();
    sim.faults.add({ target: 'gpt-b', kind: 'malformed' });
    const reply = await postRaw(completions(sim), openaiBody(), openaiHeaders);
    expect(reply.status).toBe(200);
    expect(reply.failure).toBeUndefined();
    expect(() => JSON.parse(reply.text)).toThrow();
    expect(sim.stats().upstreams['gpt-b']).toMatchObject({ failed: 1 });
  });

  it('malformed streams carry a data line that is not JSON', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'malformed' });
    const reply = await postRaw(messages(sim), anthropicBody({ stream: true }), anthropicHeaders);
    expect(reply.status).toBe(200);
    const dataLines = reply.text.split('\n').filter((line) => line.startsWith('data: '));
    expect(dataLines.length).toBeGreaterThan(1);
    expect(() => JSON.parse(dataLines[0]!.slice(6))).not.toThrow();
    expect(
      dataLines.some((line) => {
        try {
          JSON.parse(line.slice(6));
          return false;
        } catch {
          return true;
        }
      }),
    ).toBe(true);
  });

  it('reset drops the connection without an answer', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-a', kind: 'reset' });
    await expect(
      request(messages(sim), { method: 'POST', headers: anthropicHeaders, body: JSON.stringify(anthropicBody()) }),
    ).rejects.toThrow();
    expect(sim.stats().upstreams['claude-a']).toMatchObject({ requests: 1, failed: 1, aborted: 0 });
  });
});

describe('fault lifetime and targets', () => {
  it('durationMs expires the fault by the injected clock', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    await control(sim.url, 'POST', '/_sim/faults', {
      target: 'claude-a',
      kind: 'error',
      status: 529,
      durationMs: 1000,
    });
    expect((await postJson(messages(sim), anthropicBody(), anthropicHeaders)).status).toBe(529);
    await clock.advance(999);
    expect((await postJson(messages(sim), anthropicBody(), anthropicHeaders)).status).toBe(529);
    await clock.advance(1);
    expect((await postJson(messages(sim), anthropicBody(), anthropicHeaders)).status).toBe(200);
    expect((await control(sim.url, 'GET', '/_sim/faults')).json.faults).toEqual([]);
  });

  it('a glob target hits every matching upstream and only those', async () => {
    const sim = await start();
    sim.faults.add({ target: 'claude-*', kind: 'error', status: 503 });
    expect((await postJson(messages(sim, 'claude-a'), anthropicBody(), anthropicHeaders)).status).toBe(503);
    expect((await postJson(messages(sim, 'claude-b'), anthropicBody(), anthropicHeaders)).status).toBe(503);
    expect((await postJson(messages(sim, 'gpt-claude'), anthropicBody(), anthropicHeaders)).status).toBe(200);
  });

  it('a label target takes down every upstream carrying the label', async () => {
    const sim = await start();
    await control(sim.url, 'POST', '/_sim/upstreams/claude-a', { labels: ['anthropic-model-layer'] });
    await control(sim.url, 'POST', '/_sim/upstreams/claude-bedrock', {
      labels: ['anthropic-model-layer', 'aws-us-east-1'],
    });
    await control(sim.url, 'POST', '/_sim/faults', {
      target: 'label:anthropic-model-layer',
      kind: 'error',
      status: 529,
    });
    expect((await postJson(messages(sim, 'claude-a'), anthropicBody(), anthropicHeaders)).status).toBe(529);
    expect((await postJson(messages(sim, 'claude-bedrock'), anthropicBody(), anthropicHeaders)).status).toBe(529);
    expect((await postJson(messages(sim, 'claude-unlabelled'), anthropicBody(), anthropicHeaders)).status).toBe(200);
    expect((await postJson(completions(sim), openaiBody(), openaiHeaders)).status).toBe(200);
  });

  it('the most recent matching fault answers, and latency adds to it', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    sim.faults.add({ target: '*', kind: 'latency', ms: 100 });
    sim.faults.add({ target: 'claude-a', kind: 'error', status: 500 });
    sim.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    const pending = postJson(messages(sim), anthropicBody(), anthropicHeaders);
    await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
    await clock.advance(100);
    expect((await pending).status).toBe(529);
  });
});
