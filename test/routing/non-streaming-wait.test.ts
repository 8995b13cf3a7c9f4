// A non-streaming request on a manual clock: it has no first token to adapt a limit to, so while its
// deployment serves it waits as long as firstTokenMs allows (a long answer is not cut); once it has
// waited past the adaptive limit and health has taken the deployment out of rotation (its streams
// hung or stalled), it fails over at once instead of waiting the full firstTokenMs.
import { describe, expect, it } from 'vitest';
import { HealthTracker } from '../../src/health/health-tracker.js';
import type { RoutedResponse } from '../../src/routing/routed.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import type { ManualClock } from '../support/manual-clock.js';
import { type Step, setup, settle } from './router-harness.js';

function harness(first: Step, route: { firstTokenLimit?: 'adaptive' | 'fixed' } = {}) {
  let tracker: HealthTracker | undefined;
  const built = setup({
    scripts: { a: [first], b: [{ type: 'ok' }] },
    firstTokenMs: 30_000,
    timeouts: { firstTokenFactor: 5, firstTokenFloorMs: 2_000 },
    route,
    health: (clock: ManualClock) => {
      tracker = new HealthTracker({
        deployments: [
          { id: 'a', domains: [] },
          { id: 'b', domains: [] },
        ],
        clock,
      });
      return tracker;
    },
  });
  return { ...built, tracker: tracker! };
}

describe('a non-streaming request waiting on a deployment', () => {
  it('fails over once past the adaptive limit when its deployment is out of rotation, not after firstTokenMs', async () => {
    const { router, clock, tracker } = harness({ type: 'hang' });
    const startedAt = clock.now();
    const pending = router.route(simpleTextRequest(), new AbortController().signal);
    // Past the limit (the 2 s floor: nothing learned) while a still serves: the request keeps waiting.
    await clock.advance(2_500);
    tracker.isolate('a', 'its streams stall');
    const routed = (await settle(pending, clock)) as RoutedResponse;
    expect(routed.deployment.id).toBe('b');
    expect(clock.now() - startedAt).toBe(4_000);
    const [first] = routed.attempts;
    expect(first?.kind).toBe('first-token-timeout');
    expect(first?.message).toMatch(
      /no answer after 4000 ms, and the deployment is out of rotation \(isolated: .*its streams stall/,
    );
  });

  it('waits for a long answer from a deployment that serves, past the adaptive limit', async () => {
    const { router, clock } = harness({ type: 'slow', ms: 20_000, answer: { type: 'ok' } });
    const routed = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
    expect(routed.attempts.map((attempt) => attempt.kind)).toEqual(['success']);
  });

  it('keeps waiting on a route whose first-token limit is fixed', async () => {
    const { router, clock, tracker } = harness(
      { type: 'slow', ms: 10_000, answer: { type: 'ok' } },
      {
        firstTokenLimit: 'fixed',
      },
    );
    const pending = router.route(simpleTextRequest(), new AbortController().signal);
    await clock.advance(2_500);
    tracker.isolate('a', 'its streams stall');
    const routed = (await settle(pending, clock)) as RoutedResponse;
    expect(routed.deployment.id).toBe('a');
  });
});
