// Hedged requests on a manual clock: when the hedge starts, where it goes (never into the first
// attempt's failure domains), who wins, that the loser is abandoned at once, the budget, and that
// non-streaming requests hedge the same way on what their whole answers usually take.
import { describe, expect, it } from 'vitest';
import type { Router } from '../../src/routing/router.js';
import type { RoutedResponse, RoutedStream } from '../../src/routing/routed.js';
import type { CanonicalRequest } from '../../src/canonical/request.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import type { ManualClock } from '../support/manual-clock.js';
import { type Step, setup, settle, textStream } from './router-harness.js';

const ok = { type: 'ok' } as const;
const slow = (ms: number, answer: Step = ok) => ({ type: 'slow', ms, answer }) as const;
const stream = { type: 'stream', events: textStream } as const;

/** A route that hedges after 500 ms, with budget for every request. */
function hedgedAfter500(scripts: Record<string, Step[]>, domains?: Record<string, string[]>) {
  return setup({
    scripts,
    ...(domains ? { domains } : {}),
    route: { hedge: { afterMs: 500 } },
    hedging: { budget: 1 },
  });
}

/** A real health tracker, so `auto` hedges on what it learns. */
const trackerOf = (ids: string[]) => (clock: ManualClock) =>
  new HealthTracker({ deployments: ids.map((id) => ({ id, domains: [] })), clock });

async function routeOnce(router: Router, clock: ManualClock, request: CanonicalRequest = simpleTextRequest()) {
  const routed = (await settle(router.route(request, new AbortController().signal), clock)) as
    | RoutedResponse
    | RoutedStream;
  if (routed.type === 'stream') for await (const _event of routed.events);
  return routed as RoutedResponse;
}

describe('hedged requests', () => {
  it('starts a hedge after the delay on a deployment outside the first one’s domains; the first answer wins', async () => {
    const { router, clock, calls, recorded } = hedgedAfter500(
      { a: [slow(2_000)], b: [slow(100)], c: [slow(100)] },
      { a: ['anthropic-model-layer'], b: ['anthropic-model-layer'], c: ['openai'] },
    );
    const routed = await routeOnce(router, clock);
    expect(routed.deployment.id).toBe('c');
    expect(routed.hedge).toBe('won');
    expect(calls.map((call) => [call.deployment, call.at - calls[0]!.at])).toEqual([
      ['a', 0],
      ['c', 500],
    ]);
    // The first attempt is abandoned the moment the hedge answers, and counts nothing against a.
    expect(recorded.map((entry) => [entry.deployment, entry.outcome.kind, entry.outcome.latencyMs])).toEqual([
      ['c', 'success', 100],
      ['a', 'abandoned', 600],
    ]);
    expect(routed.attempts.map((attempt) => [attempt.deployment, attempt.role, attempt.kind])).toEqual([
      ['c', 'hedge', 'success'],
      ['a', 'first', 'abandoned'],
    ]);
  });

  it('counts the delay from when the first attempt left on a connection, not while it waited for one', async () => {
    const { router, clock, calls } = hedgedAfter500({
      a: [{ type: 'queued', ms: 3_000, answer: slow(2_000) }],
      c: [slow(100)],
    });
    const routed = await routeOnce(router, clock);
    expect(routed.hedge).toBe('won');
    expect(calls.map((call) => [call.deployment, call.at - calls[0]!.at])).toEqual([
      ['a', 0],
      ['c', 3_500],
    ]);
  });

  it('sends no hedge when the first attempt answers before the delay', async () => {
    const { router, clock, calls } = hedgedAfter500({ a: [slow(400)], c: [ok] });
    const routed = await routeOnce(router, clock);
    expect(routed.deployment.id).toBe('a');
    expect(routed.hedge).toBeUndefined();
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });

  it('keeps the first attempt when it answers first after all, and abandons the hedge', async () => {
    const { router, clock, recorded } = hedgedAfter500({ a: [slow(700)], c: [slow(1_000)] });
    const routed = await routeOnce(router, clock);
    expect(routed.deployment.id).toBe('a');
    expect(routed.hedge).toBe('lost');
    expect(recorded.map((entry) => [entry.deployment, entry.outcome.kind])).toEqual([
      ['a', 'success'],
      ['c', 'abandoned'],
    ]);
  });

  it('waits for the other side when one fails, and never hedges into a shared failure domain', async () => {
    const { router, clock, calls } = hedgedAfter500(
      { a: [slow(1_500)], b: [ok], c: [{ type: 'fail', kind: 'overloaded', status: 529 }] },
      { a: ['anthropic-model-layer'], b: ['anthropic-model-layer'], c: ['openai'] },
    );
    const routed = await routeOnce(router, clock);
    expect(routed.deployment.id).toBe('a');
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'c']);
  });

  it('hedges at most the budget’s share of requests over the window when the hedges lose', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(700)], c: [slow(1_000)] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 0.1, budgetWindowMs: 60_000 },
    });
    for (let index = 0; index < 30; index += 1) await routeOnce(router, clock);
    const hedges = calls.filter((call) => call.deployment === 'c').length;
    expect(hedges).toBe(3);
    expect(router.hedgeBudget.snapshot()).toMatchObject({ requests: 30, hedges: 3, won: 0, denied: 27, ratio: 0.1 });
  });

  it('gives a winning hedge back to the budget: it served its request, it was no waste', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(1_000)], c: [ok] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 0.1, budgetWindowMs: 60_000 },
    });
    for (let index = 0; index < 30; index += 1) await routeOnce(router, clock);
    // The first nine requests leave no room (one hedge needs ten requests at 10%); from the tenth on,
    // every hedge wins and is given back, so every request that needs one gets one.
    expect(calls.filter((call) => call.deployment === 'c')).toHaveLength(21);
    expect(router.hedgeBudget.snapshot()).toMatchObject({ requests: 30, hedges: 21, won: 21, denied: 9 });
  });

  it('auto: hedges a stream after the learned p95 time to first token of the first deployment', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [...Array.from({ length: 20 }, () => slow(300, stream)), slow(3_000)], c: [stream] },
      route: { hedge: 'auto' },
      hedging: { budget: 1, minimumDelayMs: 50 },
      health: trackerOf(['a', 'c']),
    });
    for (let index = 0; index < 20; index += 1) await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    // No hedge while every first token came within its usual time.
    expect(calls.filter((call) => call.deployment === 'c')).toHaveLength(0);
    const started = clock.now();
    await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    expect(calls.find((call) => call.deployment === 'c')!.at - started).toBe(300);
  });

  it('auto: hedges a non-streaming request after the learned p95 time to a whole answer; the first whole answer wins', async () => {
    const { router, clock, calls, recorded } = setup({
      scripts: { a: [...Array.from({ length: 20 }, () => slow(800)), slow(5_000)], c: [slow(200)] },
      route: { hedge: 'auto' },
      hedging: { budget: 1, minimumDelayMs: 50 },
      health: trackerOf(['a', 'c']),
    });
    for (let index = 0; index < 20; index += 1) await routeOnce(router, clock);
    expect(calls.filter((call) => call.deployment === 'c')).toHaveLength(0);
    const started = clock.now();
    const routed = await routeOnce(router, clock);
    expect(calls.find((call) => call.deployment === 'c')!.at - started).toBe(800);
    expect(routed.deployment.id).toBe('c');
    expect(routed.hedge).toBe('won');
    expect(clock.now() - started).toBe(1_000);
    // The loser is aborted at once and not counted against a.
    expect(recorded.slice(-2).map((entry) => [entry.deployment, entry.outcome.kind])).toEqual([
      ['c', 'success'],
      ['a', 'abandoned'],
    ]);
  });

  it('auto: takes a deployment that lost two races out, so later requests no longer pay the hedge delay', async () => {
    const { router, clock, calls } = setup({
      scripts: {
        a: [...Array.from({ length: 20 }, () => slow(300, stream)), slow(20_000, stream)],
        c: [slow(20, stream)],
      },
      route: { hedge: 'auto' },
      hedging: { budget: 1, minimumDelayMs: 50 },
      health: trackerOf(['a', 'c']),
    });
    for (let index = 0; index < 20; index += 1) await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    const served = [];
    for (let index = 0; index < 4; index += 1) {
      const started = clock.now();
      const before = calls.length;
      const routed = await routeOnce(router, clock, simpleTextRequest({ stream: true }));
      served.push({
        deployment: routed.deployment.id,
        hedge: routed.hedge,
        calls: calls.slice(before).map((call) => [call.deployment, call.at - started]),
      });
    }
    // a's first token slowed from 300 ms to 20 s: twice it is beaten after 320 ms, past its usual p99.
    const hedged = {
      deployment: 'c',
      hedge: 'won',
      calls: [
        ['a', 0],
        ['c', 300],
      ],
    };
    const straight = { deployment: 'c', hedge: undefined, calls: [['c', 0]] };
    expect(served).toEqual([hedged, hedged, straight, straight]);
  });

  it('auto: never hedges a long-thinking request (what was learned does not describe it)', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [...Array.from({ length: 6 }, () => slow(100, stream)), slow(3_000, stream)], c: [stream] },
      route: { hedge: 'auto' },
      hedging: { budget: 1, minimumDelayMs: 50 },
      health: trackerOf(['a', 'c']),
    });
    for (let index = 0; index < 6; index += 1) await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    const thinking = { ...simpleTextRequest({ stream: true }), thinking: { type: 'enabled', budgetTokens: 4_000 } };
    await routeOnce(router, clock, thinking as CanonicalRequest);
    expect(calls.map((call) => call.deployment)).not.toContain('c');
  });

  it('an attempt whose hedge the budget refused fails over at the adaptive limit, not after firstTokenMs', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [...Array.from({ length: 20 }, () => slow(300, stream)), slow(20_000, stream)], c: [stream] },
      route: { hedge: 'auto' },
      hedging: { budget: 0, minimumDelayMs: 50 },
      firstTokenMs: 30_000,
      timeouts: { firstTokenFactor: 5, firstTokenFloorMs: 2_000 },
      health: trackerOf(['a', 'c']),
    });
    for (let index = 0; index < 20; index += 1) await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    const started = clock.now();
    const routed = await routeOnce(router, clock, simpleTextRequest({ stream: true }));
    expect(routed.deployment.id).toBe('c');
    expect(routed.hedge).toBeUndefined();
    // max(5 × the learned p99 of 300 ms, the 2 s floor), far under firstTokenMs.
    expect(calls.find((call) => call.deployment === 'c')!.at - started).toBe(2_000);
    expect(routed.attempts[0]).toMatchObject({ deployment: 'a', role: 'first', kind: 'first-token-timeout' });
  });

  it('off: never hedges', async () => {
    const { router, clock, calls } = setup({ scripts: { a: [slow(3_000)], c: [ok] }, hedging: { budget: 1 } });
    await routeOnce(router, clock);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });
});
