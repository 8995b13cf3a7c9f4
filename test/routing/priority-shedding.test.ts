// Priority shedding as sequences on a manual clock: the pressure a deployment's answers report
// (rate-limit headers' remaining share in both providers' names, 429s), how long it lasts, and when a
// low-priority request is refused (only while the route fails over onto a deployment near its limit).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { shedLowPriority } from '../../src/routing/priority-shedding.js';
import { parseResetDuration, QuotaPressure } from '../../src/routing/quota-pressure.js';
import { RouteTable } from '../../src/routing/resolve-route.js';
import { ManualClock } from '../support/manual-clock.js';

const settings = {
  shedBelowShare: 0.25,
  rateLimitedHoldMs: 30_000,
  observationTtlMs: 60_000,
  failoverWindowMs: 30_000,
};

function routeWithFallback() {
  const config = parseConfig({
    deployments: [
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6', apiKey: 'k' },
      { id: 'gpt', provider: 'openai', model: 'gpt-5', apiKey: 'k' },
    ],
    routes: [{ name: 'sonnet', deployments: ['claude', 'gpt'] }],
  });
  const route = new RouteTable(config).resolve('sonnet');
  const [claude, gpt] = route.deployments as [(typeof route.deployments)[0], (typeof route.deployments)[0]];
  return { route, claude, gpt };
}

describe('QuotaPressure', () => {
  it('follows OpenAI x-ratelimit headers down past the threshold and back up', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, settings);
    const sequence = [80, 50, 26, 24, 10, 90].map((remaining) => {
      pressure.observeHeaders('gpt', {
        'x-ratelimit-limit-requests': '100',
        'x-ratelimit-remaining-requests': String(remaining),
        'x-ratelimit-reset-requests': '6m0s',
      });
      return pressure.pressure('gpt').nearLimit;
    });
    expect(sequence).toEqual([false, false, false, true, true, false]);
  });

  it('takes the smallest share of every pair, in Anthropic names, and lasts until the reset time', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const pressure = new QuotaPressure(clock, settings);
    pressure.observeHeaders('claude', {
      'anthropic-ratelimit-requests-limit': '1000',
      'anthropic-ratelimit-requests-remaining': '900',
      'anthropic-ratelimit-tokens-limit': '100000',
      'anthropic-ratelimit-tokens-remaining': '5000',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:20Z',
    });
    expect(pressure.pressure('claude')).toEqual({ nearLimit: true, retryAfterMs: 20_000 });
    await clock.advance(19_000);
    expect(pressure.pressure('claude').nearLimit).toBe(true);
    await clock.advance(1_000);
    expect(pressure.pressure('claude').nearLimit).toBe(false);
  });

  it('without a reset time an observation holds for observationTtlMs', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, settings);
    pressure.observeHeaders('gpt', { 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '1' });
    expect(pressure.pressure('gpt')).toEqual({ nearLimit: true, retryAfterMs: 60_000 });
    await clock.advance(60_000);
    expect(pressure.pressure('gpt').nearLimit).toBe(false);
  });

  it('a 429 is pressure for rateLimitedHoldMs, or for its retry-after when longer; headers without pairs change nothing', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, settings);
    pressure.observeHeaders('gpt', { 'request-id': 'x', 'x-ratelimit-remaining-requests': 'many' });
    expect(pressure.pressure('gpt').nearLimit).toBe(false);
    pressure.observeRateLimited('gpt');
    expect(pressure.pressure('gpt')).toEqual({ nearLimit: true, retryAfterMs: 30_000 });
    await clock.advance(30_000);
    expect(pressure.pressure('gpt').nearLimit).toBe(false);
    pressure.observeRateLimited('gpt', 90_000);
    await clock.advance(60_000);
    expect(pressure.pressure('gpt')).toEqual({ nearLimit: true, retryAfterMs: 30_000 });
    pressure.forget('gpt');
    expect(pressure.pressure('gpt').nearLimit).toBe(false);
  });

  it('parses OpenAI reset durations', () => {
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('1.5s')).toBe(1_500);
    expect(parseResetDuration('20ms')).toBe(20);
    expect(parseResetDuration('1h2m')).toBe(3_720_000);
    expect(parseResetDuration('soon')).toBeUndefined();
  });
});

describe('shedLowPriority', () => {
  const near = { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '10' };

  it('sheds only low priority, only while failing over, only when the serving deployment is near its limit', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, settings);
    const { route, claude, gpt } = routeWithFallback();
    const failingOver = [gpt];
    const healthy = [claude, gpt];
    // No pressure yet: nobody is shed.
    expect(shedLowPriority('low', route, failingOver, pressure)).toBeUndefined();
    pressure.observeHeaders('gpt', near);
    const shed = shedLowPriority('low', route, failingOver, pressure);
    expect(shed).toMatchObject({ status: 429, code: 'SWITCHYARD_SHED_LOW_PRIORITY', upstreamType: 'rate_limit_error' });
    expect(shed?.retryAfterMs).toBe(60_000);
    expect(shed?.message).toContain('"gpt"');
    for (const priority of ['normal', 'high', undefined] as const)
      expect(shedLowPriority(priority, route, failingOver, pressure)).toBeUndefined();
    // Not failing over: the primary serves; its own quota is the client's business, not shedding's.
    expect(shedLowPriority('low', route, healthy, pressure)).toBeUndefined();
    pressure.observeHeaders('claude', near);
    expect(shedLowPriority('low', route, healthy, pressure)).toBeUndefined();
    // No candidate at all: the router's own error table answers.
    expect(shedLowPriority('low', route, [], pressure)).toBeUndefined();
  });

  it('keeps shedding while the fallback answers failed-over requests, even when the primary is back in the order', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, settings);
    const { route, claude, gpt } = routeWithFallback();
    // The primary is probing (admitted again) but still failing: requests fail over to a fallback near its limit.
    pressure.observeHeaders('gpt', near);
    expect(shedLowPriority('low', route, [claude, gpt], pressure)).toBeUndefined();
    pressure.observeFailoverServed('gpt');
    expect(shedLowPriority('low', route, [claude, gpt], pressure)?.message).toContain('"gpt"');
    await clock.advance(29_999);
    expect(shedLowPriority('low', route, [claude, gpt], pressure)).toBeDefined();
    // No failed-over request for a whole window: the primary serves again, nothing is shed.
    await clock.advance(1);
    expect(shedLowPriority('low', route, [claude, gpt], pressure)).toBeUndefined();
  });

  it('a first 429 from the fallback sheds at once, and the retry-after is at least a second', async () => {
    const clock = new ManualClock();
    const pressure = new QuotaPressure(clock, { ...settings, rateLimitedHoldMs: 200 });
    const { route, gpt } = routeWithFallback();
    pressure.observeRateLimited('gpt', 0);
    expect(shedLowPriority('low', route, [gpt], pressure)?.retryAfterMs).toBe(1_000);
    await clock.advance(200);
    expect(shedLowPriority('low', route, [gpt], pressure)).toBeUndefined();
  });
});
