// A simulated quota: rate-limit headers counting down in the provider's own names, then 429s with
// retry-after until the window turns over (by the injected clock).
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { anthropicBody, anthropicHeaders, control, openaiBody, openaiHeaders, postJson } from './simulator-client.js';

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

describe('upstream quota', () => {
  it('counts down OpenAI x-ratelimit headers, then answers 429 with retry-after until the window turns', async () => {
    const clock = new ManualClock(1_000_000);
    simulator = await startSimulator({ clock });
    const configured = await control(simulator.url, 'POST', '/_sim/upstreams/gpt-b', {
      quota: { requests: 3, windowMs: 60_000 },
    });
    expect(configured.json.quota).toEqual({ requests: 3, windowMs: 60_000, used: 0 });
    const url = `${simulator.url}/u/gpt-b/v1/chat/completions`;
    const remaining: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const reply = await postJson(url, openaiBody(), openaiHeaders);
      expect(reply.status).toBe(200);
      expect(reply.headers['x-ratelimit-limit-requests']).toBe('3');
      remaining.push(String(reply.headers['x-ratelimit-remaining-requests']));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    clock.advance(20_000);
    const refused = await postJson(url, openaiBody(), openaiHeaders);
    expect(refused.status).toBe(429);
    expect(refused.json.error.type).toBe('requests');
    expect(refused.headers['retry-after']).toBe('40');
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
    clock.advance(40_000);
    const again = await postJson(url, openaiBody(), openaiHeaders);
    expect(again.status).toBe(200);
    expect(again.headers['x-ratelimit-remaining-requests']).toBe('2');
    expect(simulator.stats().upstreams['gpt-b']).toMatchObject({ requests: 5, succeeded: 4, failed: 1 });
  });

  it('uses Anthropic header names for the Anthropic dialect, and null removes the quota', async () => {
    const clock = new ManualClock(1_000_000);
    simulator = await startSimulator({ clock });
    simulator.configureUpstream('claude-a', { quota: { requests: 1, windowMs: 10_000 } });
    const url = `${simulator.url}/u/claude-a/v1/messages`;
    const first = await postJson(url, anthropicBody(), anthropicHeaders);
    expect(first.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    expect(first.headers['anthropic-ratelimit-requests-limit']).toBe('1');
    const second = await postJson(url, anthropicBody(), anthropicHeaders);
    expect(second.status).toBe(429);
    expect(second.json.error.type).toBe('rate_limit_error');
    simulator.configureUpstream('claude-a', { quota: null });
    const third = await postJson(url, anthropicBody(), anthropicHeaders);
    expect(third.status).toBe(200);
    // Back to the upstream's usual per-minute window, not the quota of 1.
    expect(third.headers['anthropic-ratelimit-requests-limit']).not.toBe('1');
  });
});
