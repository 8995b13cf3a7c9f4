// Hedged requests on a manual clock: when the hedge starts, where it goes (never into the first
// attempt's failure domains), who wins, that the loser is abandoned at once, and the budget.
import { describe, expect, it } from 'vitest';
import type { RoutedResponse, RoutedStream } from '../../src/routing/router.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { setup, settle, textStream } from './router-harness.js';

const ok = { type: 'ok' } as const;
const slow = (ms: number) => ({ type: 'slow', ms, answer: ok }) as const;

describe('hedged requests', () => {
  it('starts a hedge after the delay on a deployment outside the first one’s domains; the first answer wins', async () => {
    const { router, clock, calls, recorded } = setup({
      scripts: { a: [slow(2_000)], b: [slow(100)], c: [slow(100)] },
      domains: { a: ['anthropic-model-layer'], b: ['anthropic-model-layer'], c: ['openai'] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
    });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
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

  it('sends no hedge when the first attempt answers before the delay', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(400)], c: [ok] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
    });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
    expect(routed.hedge).toBeUndefined();
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });

  it('keeps the first attempt when it answers first after all, and abandons the hedge', async () => {
    const { router, clock, recorded } = setup({
      scripts: { a: [slow(700)], c: [slow(1_000)] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
    });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
    expect(routed.hedge).toBe('lost');
    expect(recorded.map((entry) => [entry.deployment, entry.outcome.kind])).toEqual([
      ['a', 'success'],
      ['c', 'abandoned'],
    ]);
  });

  it('waits for the other side when one fails, and never hedges into a shared failure domain', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(1_500)], b: [ok], c: [{ type: 'fail', kind: 'overloaded', status: 529 }] },
      domains: { a: ['anthropic-model-layer'], b: ['anthropic-model-layer'], c: ['openai'] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
    });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'c']);
  });

  it('hedges at most the budget’s share of requests over the window', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(1_000)], c: [ok] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 0.1, budgetWindowMs: 60_000 },
    });
    for (let index = 0; index < 30; index += 1) {
      await settle(router.route(simpleTextRequest(), new AbortController().signal), clock);
    }
    const hedges = calls.filter((call) => call.deployment === 'c').length;
    expect(hedges).toBe(3);
    expect(router.hedgeBudget.snapshot()).toMatchObject({ requests: 30, hedges: 3, denied: 27, ratio: 0.1 });
  });

  it('auto: hedges a stream after the learned p95 time to first token of the first deployment', async () => {
    const stream = { type: 'stream', events: textStream } as const;
    const { router, clock, calls } = setup({
      scripts: {
        a: [...Array.from({ length: 20 }, () => ({ type: 'slow', ms: 300, answer: stream }) as const), slow(3_000)],
        c: [stream],
      },
      route: { hedge: 'auto' },
      hedging: { budget: 1, minimumDelayMs: 50 },
      health: (manual) =>
        new HealthTracker({
          deployments: [
            { id: 'a', domains: [] },
            { id: 'c', domains: [] },
          ],
          clock: manual,
        }),
    });
    for (let index = 0; index < 20; index += 1) {
      const routed = (await settle(
        router.route(simpleTextRequest({ stream: true }), new AbortController().signal),
        clock,
      )) as RoutedStream;
      for await (const _event of routed.events);
    }
    // No hedge while every first token came within its usual time.
    expect(calls.filter((call) => call.deployment === 'c')).toHaveLength(0);
    const started = clock.now();
    await settle(router.route(simpleTextRequest({ stream: true }), new AbortController().signal), clock);
    expect(calls.find((call) => call.deployment === 'c')!.at - started).toBe(300);
  });

  it('auto: never hedges a non-streaming request (its answer arrives whole)', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [slow(3_000)], c: [ok] },
      route: { hedge: 'auto' },
      hedging: { budget: 1 },
      health: (manual) =>
        new HealthTracker({
          deployments: [
            { id: 'a', domains: [] },
            { id: 'c', domains: [] },
          ],
          clock: manual,
        }),
    });
    await settle(router.route(simpleTextRequest(), new AbortController().signal), clock);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });

  it('off: never hedges', async () => {
    const { router, clock, calls } = setup({ scripts: { a: [slow(3_000)], c: [ok] }, hedging: { budget: 1 } });
    await settle(router.route(simpleTextRequest(), new AbortController().signal), clock);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });
});
