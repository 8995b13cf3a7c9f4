// The /_sim control API: fault bookkeeping, upstream settings, counters and recorded requests.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { anthropicBody, anthropicHeaders, control, openaiBody, openaiHeaders, postJson } from './simulator-client.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());
beforeEach(async () => {
  await control(simulator.url, 'DELETE', '/_sim/faults');
  await control(simulator.url, 'DELETE', '/_sim/stats');
});

describe('faults', () => {
  it('adds, lists and removes faults one by one or all at once', async () => {
    const first = await control(simulator.url, 'POST', '/_sim/faults', {
      target: 'claude-a',
      kind: 'error',
      status: 529,
    });
    const second = await control(simulator.url, 'POST', '/_sim/faults', { target: 'gpt-*', kind: 'latency', ms: 10 });
    expect(first.json.id).not.toBe(second.json.id);
    const listed = await control(simulator.url, 'GET', '/_sim/faults');
    expect(listed.json.faults.map((fault: { id: string }) => fault.id)).toEqual([first.json.id, second.json.id]);
    expect(listed.json.faults[0]).toMatchObject({ target: 'claude-a', kind: 'error', status: 529, probability: 1 });

    // Both answer with the counters as they stood at that moment.
    expect(first.json.stats.upstreams).toEqual(simulator.stats().upstreams);
    const removed = await control(simulator.url, 'DELETE', `/_sim/faults/${first.json.id}`);
    expect(removed.json).toEqual({ removed: 1, stats: simulator.stats() });
    expect((await control(simulator.url, 'DELETE', `/_sim/faults/${first.json.id}`)).status).toBe(404);
    expect((await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders)).status).toBe(
      200,
    );
    expect((await control(simulator.url, 'DELETE', '/_sim/faults')).json).toEqual({ removed: 1 });
    expect((await control(simulator.url, 'GET', '/_sim/faults')).json.faults).toEqual([]);
  });

  it.each([
    [{ target: 'claude-a', kind: 'error' }, 'status'],
    [{ target: 'claude-a', kind: 'latency' }, 'ms'],
    [{ target: 'claude-a', kind: 'explode' }, 'kind'],
    [{ kind: 'hang' }, 'target'],
    [{ target: 'claude-a', kind: 'hang', probability: 2 }, 'probability'],
    [{ target: 'claude-a', kind: 'hang', colour: 'red' }, 'colour'],
  ])('refuses an invalid fault %j', async (body, field) => {
    const reply = await control(simulator.url, 'POST', '/_sim/faults', body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain(field);
    expect((await control(simulator.url, 'GET', '/_sim/faults')).json.faults).toEqual([]);
  });
});

describe('upstreams', () => {
  it('stores labels and timing per upstream, and null returns a timing to the global value', async () => {
    const set = await control(simulator.url, 'POST', '/_sim/upstreams/claude-x', {
      labels: ['anthropic-model-layer'],
      tokensPerSecond: 40,
    });
    expect(set.json).toEqual({
      name: 'claude-x',
      labels: ['anthropic-model-layer'],
      timeToFirstTokenMs: null,
      tokensPerSecond: 40,
      quota: null,
    });
    const cleared = await control(simulator.url, 'POST', '/_sim/upstreams/claude-x', { tokensPerSecond: null });
    expect(cleared.json).toMatchObject({ labels: ['anthropic-model-layer'], tokensPerSecond: null });
    const all = await control(simulator.url, 'GET', '/_sim/upstreams');
    expect(all.json.upstreams['claude-x'].labels).toEqual(['anthropic-model-layer']);
    expect((await control(simulator.url, 'POST', '/_sim/upstreams/claude-x', { tokensPerSecond: -1 })).status).toBe(
      400,
    );
  });
});

describe('stats and recorded requests', () => {
  it('counts per upstream (a gateway’s probes apart) and resets on DELETE', async () => {
    await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), {
      ...anthropicHeaders,
      'x-switchyard-probe': '1',
    });
    simulator.faults.add({ target: 'gpt-b', kind: 'error', status: 500 });
    await postJson(`${simulator.url}/u/gpt-b/v1/chat/completions`, openaiBody(), openaiHeaders);
    const stats = await control(simulator.url, 'GET', '/_sim/stats');
    expect(stats.json.upstreams['claude-a']).toEqual({
      requests: 2,
      probes: 1,
      succeeded: 2,
      failed: 0,
      rejected: 0,
      aborted: 0,
      inFlight: 0,
    });
    expect(stats.json.upstreams['gpt-b']).toMatchObject({ requests: 1, failed: 1, succeeded: 0 });
    await control(simulator.url, 'DELETE', '/_sim/stats');
    expect(simulator.stats().upstreams['claude-a']).toEqual({
      requests: 0,
      probes: 0,
      succeeded: 0,
      failed: 0,
      rejected: 0,
      aborted: 0,
      inFlight: 0,
    });
  });

  it('records the last request with its headers and body', async () => {
    await postJson(`${simulator.url}/u/claude-rec/v1/messages?beta=true`, anthropicBody({ max_tokens: 11 }), {
      ...anthropicHeaders,
      'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14',
    });
    const last = await control(simulator.url, 'GET', '/_sim/requests/claude-rec');
    expect(last.status).toBe(200);
    expect(last.json).toMatchObject({ method: 'POST', url: '/u/claude-rec/v1/messages?beta=true' });
    expect(last.json.headers['anthropic-beta']).toBe('context-1m-2025-08-07,interleaved-thinking-2025-05-14');
    expect(last.json.headers['x-api-key']).toBe(anthropicHeaders['x-api-key']);
    expect(last.json.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 11 });
    await postJson(`${simulator.url}/u/claude-rec/v1/messages`, anthropicBody({ max_tokens: 12 }), anthropicHeaders);
    const all = await control(simulator.url, 'GET', '/_sim/requests/claude-rec?all=true');
    expect(all.json.requests.map((entry: { body: { max_tokens: number } }) => entry.body.max_tokens)).toEqual([11, 12]);
    expect(simulator.requests('claude-rec')).toHaveLength(2);
    expect((await control(simulator.url, 'GET', '/_sim/requests/never-called')).status).toBe(404);
  });
});
