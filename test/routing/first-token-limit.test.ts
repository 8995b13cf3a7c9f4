// The adaptive first-token limit on a manual clock: a deployment whose streams usually show a first
// token in ~200 ms and suddenly take 20 s fails over after max(factor × p99, floor), not after
// firstTokenMs; long-thinking and non-streaming requests, and routes that opt out, keep the configured limit.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../src/canonical/request.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import type { RoutedResponse, RoutedStream } from '../../src/routing/routed.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { type Step, setup, settle, textStream } from './router-harness.js';

const stream = { type: 'stream', events: textStream } as const;
const usual: Step = { type: 'slow', ms: 200, answer: stream };

/** 20 streams that show their first token after 200 ms, then one after 20 s. */
async function learnedSetup(options: { route?: { firstTokenLimit?: 'adaptive' | 'fixed' }; final?: Step } = {}) {
  const harness = setup({
    scripts: {
      a: [...Array.from({ length: 20 }, () => usual), options.final ?? { type: 'slow', ms: 20_000, answer: stream }],
      b: [stream],
    },
    firstTokenMs: 30_000,
    timeouts: { firstTokenFactor: 5, firstTokenFloorMs: 2_000 },
    ...(options.route ? { route: options.route } : {}),
    health: (clock) =>
      new HealthTracker({
        deployments: [
          { id: 'a', domains: [] },
          { id: 'b', domains: [] },
        ],
        clock,
      }),
  });
  for (let index = 0; index < 20; index += 1) {
    const routed = (await settle(
      harness.router.route(simpleTextRequest({ stream: true }), new AbortController().signal),
      harness.clock,
    )) as RoutedStream;
    for await (const _event of routed.events);
  }
  const route = async (request: CanonicalRequest) =>
    (await settle(harness.router.route(request, new AbortController().signal), harness.clock)) as RoutedResponse;
  return { ...harness, route };
}

describe('adaptive first-token limit', () => {
  it('fails a 20 s first token over after max(factor × learned p99, floor) instead of firstTokenMs', async () => {
    const { route, calls, recorded } = await learnedSetup();
    const routed = await route(simpleTextRequest({ stream: true }));
    expect(routed.deployment.id).toBe('b');
    const [slowCall, rescue] = calls.slice(-2);
    // p99 of 200 ms first tokens is 200 ms: 5 × 200 = 1 s, under the 2 s floor.
    expect(rescue!.at - slowCall!.at).toBe(2_000);
    expect(recorded.filter((entry) => entry.deployment === 'a').at(-1)!.outcome.kind).toBe('first-token-timeout');
    expect(routed.attempts[0]!.message).toMatch(/no first token within 2000 ms \(the limit learned/);
  });

  it('keeps the configured limit for long-thinking requests', async () => {
    const { route } = await learnedSetup();
    const routed = await route(
      simpleTextRequest({ stream: true, thinking: { type: 'enabled', budgetTokens: 16_000 } }),
    );
    expect(routed.deployment.id).toBe('a');
  });

  it('keeps the configured limit for a non-streaming request (its answer arrives whole)', async () => {
    const { route } = await learnedSetup({ final: { type: 'slow', ms: 20_000, answer: { type: 'ok' } } });
    const routed = await route(simpleTextRequest());
    expect(routed.deployment.id).toBe('a');
  });

  it('keeps the configured limit on a route that opts out', async () => {
    const { route } = await learnedSetup({ route: { firstTokenLimit: 'fixed' } });
    const routed = await route(simpleTextRequest({ stream: true }));
    expect(routed.deployment.id).toBe('a');
  });

  it('keeps the configured limit before anything was learned', async () => {
    const { router, clock } = setup({
      scripts: { a: [{ type: 'slow', ms: 20_000, answer: stream }], b: [stream] },
      timeouts: { firstTokenFactor: 5, firstTokenFloorMs: 2_000 },
      health: (manual) =>
        new HealthTracker({
          deployments: [
            { id: 'a', domains: [] },
            { id: 'b', domains: [] },
          ],
          clock: manual,
        }),
    });
    const routed = (await settle(
      router.route(simpleTextRequest({ stream: true }), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
  });
});
