// The adaptive first-token limit on a manual clock: a deployment that usually answers in ~200 ms and
// suddenly takes 20 s fails over after max(factor × p99, floor), not after firstTokenMs; long-thinking
// requests and routes that opt out keep the configured limit.
import { describe, expect, it } from 'vitest';
import type { RoutedResponse } from '../../src/routing/router.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { setup, settle } from './router-harness.js';

const ok = { type: 'ok' } as const;

function learnedSetup(route?: { firstTokenLimit?: 'adaptive' | 'fixed'; hedge?: 'off' | 'auto' }) {
  return setup({
    scripts: { a: [{ type: 'slow', ms: 20_000, answer: ok }], b: [ok] },
    firstTokenMs: 30_000,
    timeouts: { firstTokenFactor: 5, firstTokenFloorMs: 2_000 },
    ...(route ? { route } : {}),
    health: (clock) => {
      const tracker = new HealthTracker({
        deployments: [
          { id: 'a', domains: [] },
          { id: 'b', domains: [] },
        ],
        clock,
      });
      for (let index = 0; index < 20; index += 1)
        tracker.record('a', { kind: 'success', latencyMs: 300, timeToFirstTokenMs: 200 });
      return tracker;
    },
  });
}

describe('adaptive first-token limit', () => {
  it('fails a 20 s first token over after max(factor × learned p99, floor) instead of firstTokenMs', async () => {
    const { router, clock, calls, recorded } = learnedSetup();
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('b');
    const waited = calls[1]!.at - calls[0]!.at;
    // p99 of 200 ms samples is ~200 ms (log-scale buckets): 5 × ~200 = ~1 s, under the 2 s floor.
    expect(waited).toBe(2_000);
    expect(recorded[0]!.outcome.kind).toBe('first-token-timeout');
    expect(routed.attempts[0]!.message).toMatch(/no first token within 2000 ms \(the limit learned/);
  });

  it('keeps the configured limit for long-thinking requests', async () => {
    const { router, clock, calls } = learnedSetup();
    const request = simpleTextRequest({ thinking: { type: 'enabled', budgetTokens: 16_000 } });
    const routed = (await settle(router.route(request, new AbortController().signal), clock)) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });

  it('keeps the configured limit on a route that opts out', async () => {
    const { router, clock } = learnedSetup({ firstTokenLimit: 'fixed' });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
  });

  it('keeps the configured limit before anything was learned', async () => {
    const { router, clock } = setup({ scripts: { a: [{ type: 'slow', ms: 20_000, answer: ok }], b: [ok] } });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
  });
});
