// The gateway's own event-loop stalls are its own time: an attempt whose first token waited behind a
// blocked loop keeps its first-token limit, and health learns the upstream's time without the stall.
// Each case runs twice: with the stalls measured (the gateway) and without (the same attempt charged
// the whole wall-clock wait), so the test fails if the wait clock is not used.
import { describe, expect, it } from 'vitest';
import type { RoutedStream } from '../../src/routing/routed.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { LoopStalls } from '../../src/util/loop-stalls.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { ManualClock } from '../support/manual-clock.js';
import { setup, settle, textStream } from './router-harness.js';

const stream = { type: 'stream', events: textStream } as const;

async function stalledAttempt(loopStalls: boolean) {
  const harness = setup({
    scripts: {
      // The loop is blocked 2 s right after the request left; the upstream itself answers 300 ms later.
      a: [{ type: 'stall', ms: 2_000, answer: { type: 'slow', ms: 300, answer: stream } }],
      b: [stream],
    },
    firstTokenMs: 1_000,
    loopStalls,
  });
  const routed = (await settle(
    harness.router.route(simpleTextRequest({ stream: true }), new AbortController().signal),
    harness.clock,
  )) as RoutedStream;
  for await (const _event of routed.events);
  return { routed, recorded: harness.recorded };
}

describe('the gateway’s own loop stalls', () => {
  it('do not count toward an attempt’s first-token limit, nor into the time to first token it reports', async () => {
    const { routed, recorded } = await stalledAttempt(true);
    expect(routed.deployment.id).toBe('a');
    const outcome = recorded.find((entry) => entry.deployment === 'a')!.outcome;
    expect(outcome.kind).toBe('success');
    // 300 ms of upstream time plus at most the stall detector's tick and grace (50 + 25 ms).
    expect(outcome.timeToFirstTokenMs).toBeGreaterThanOrEqual(300);
    expect(outcome.timeToFirstTokenMs).toBeLessThanOrEqual(375);
  });

  it('without the stalls measured, the same attempt is cut at its limit and fails over (the control)', async () => {
    const { routed, recorded } = await stalledAttempt(false);
    expect(routed.deployment.id).toBe('b');
    expect(recorded.find((entry) => entry.deployment === 'a')!.outcome.kind).toBe('first-token-timeout');
  });

  it('do not make waiting streams look hung to health', async () => {
    const suspectAfterStall = async (measured: boolean) => {
      const clock = new ManualClock();
      const stalls = new LoopStalls(clock);
      stalls.start();
      const tracker = new HealthTracker({
        deployments: [{ id: 'a', domains: [] }],
        clock,
        ...(measured ? { waitClock: stalls.waitClock } : {}),
      });
      // The deployment usually shows a first token after 100 ms.
      for (let index = 0; index < 40; index += 1) {
        const attempt = tracker.start('a', { stream: true });
        await clock.advance(100);
        attempt.firstContent();
        attempt.end();
        tracker.record('a', { kind: 'success', latencyMs: 100, timeToFirstTokenMs: 100 });
      }
      // Three streams are sent, then the gateway's loop is blocked for 3 s before their tokens are read.
      const waiting = [0, 1, 2].map(() => tracker.start('a', { stream: true }));
      clock.stall(3_000);
      await clock.advance(0);
      const admitted = tracker.admit('a');
      const outOfRotation = tracker.outOfRotation('a');
      for (const attempt of waiting) attempt.firstContent();
      return { admitted, outOfRotation };
    };
    expect(await suspectAfterStall(true)).toEqual({ admitted: true, outOfRotation: undefined });
    const control = await suspectAfterStall(false);
    expect(control.admitted).toBe(false);
    expect(control.outOfRotation).toMatch(/suspect/);
  });
});
