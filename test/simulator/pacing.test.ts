// Time to first token and tokens per second, measured on a ManualClock: the simulated time an
// answer takes is exactly TTFT + (tokens − 1) × token interval.
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { anthropicBody, anthropicHeaders, control, openaiBody, openaiHeaders } from './simulator-client.js';

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

/** Advances the clock through every sleep the simulator takes until `done()` holds. */
async function driveClock(clock: ManualClock, done: () => boolean): Promise<void> {
  while (!done()) {
    await vi.waitFor(() => {
      if (!done() && clock.pendingSleepers === 0) throw new Error('waiting for the simulator to sleep');
    });
    if (!done()) await clock.runAll();
  }
}

describe('pacing', () => {
  it('sends message_start at once, the first token at TTFT and one token per interval after it', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    await control(simulator.url, 'POST', '/_sim/upstreams/claude-slow', {
      timeToFirstTokenMs: 200,
      tokensPerSecond: 10,
    });
    const startedAt = clock.now();
    const response = await request(`${simulator.url}/u/claude-slow/v1/messages`, {
      method: 'POST',
      headers: anthropicHeaders,
      body: JSON.stringify(anthropicBody({ stream: true })),
    });
    expect(response.statusCode).toBe(200);
    const iterator = response.body[Symbol.asyncIterator]();
    const first = String((await iterator.next()).value);
    expect(first).toContain('event: message_start');
    expect(first).not.toContain('content_block_delta');
    expect(clock.now()).toBe(startedAt);

    let text = first;
    let done = false;
    const reading = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) text += String(next.value);
      done = true;
    })();
    await driveClock(clock, () => done);
    await reading;
    const usage = JSON.parse(/event: message_delta\ndata: (.*)\n/.exec(text)![1]!).usage;
    expect(usage.output_tokens).toBeGreaterThan(5);
    expect(clock.now() - startedAt).toBe(200 + (usage.output_tokens - 1) * 100);
  });

  it('holds a JSON answer for as long as generating it takes, with the global settings', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock, timeToFirstTokenMs: 50, tokensPerSecond: 20 });
    const startedAt = clock.now();
    let done = false;
    const pending = request(`${simulator.url}/u/gpt-b/v1/chat/completions`, {
      method: 'POST',
      headers: openaiHeaders,
      body: JSON.stringify(openaiBody()),
    }).then(async (response) => {
      const body = (await response.body.json()) as { usage: { completion_tokens: number } };
      done = true;
      return body;
    });
    await driveClock(clock, () => done);
    const body = await pending;
    expect(clock.now() - startedAt).toBe(50 + (body.usage.completion_tokens - 1) * 50);
  });

  it('answers at once with no timing configured (the benchmark default)', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    const response = await request(`${simulator.url}/u/claude-a/v1/messages`, {
      method: 'POST',
      headers: anthropicHeaders,
      body: JSON.stringify(anthropicBody({ stream: true })),
    });
    expect(await response.body.text()).toContain('event: message_stop');
    expect(clock.pendingSleepers).toBe(0);
  });

  it('a client that leaves mid-stream is counted as aborted and the simulator stops writing', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock, timeToFirstTokenMs: 1000 });
    const controller = new AbortController();
    const response = await request(`${simulator.url}/u/claude-a/v1/messages`, {
      method: 'POST',
      headers: anthropicHeaders,
      body: JSON.stringify(anthropicBody({ stream: true })),
      signal: controller.signal,
    });
    expect(response.statusCode).toBe(200);
    await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
    controller.abort();
    await vi.waitFor(() =>
      expect(simulator!.stats().upstreams['claude-a']).toMatchObject({ aborted: 1, succeeded: 0, inFlight: 0 }),
    );
    // The sleep was cancelled with the connection: nothing is left waiting on the clock.
    expect(clock.pendingSleepers).toBe(0);
  });
});
