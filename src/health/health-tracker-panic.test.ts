// Panic ordering: when every candidate is excluded, the tracker offers the one likeliest to have
// healed (out on a suspicion alone, else the soonest end of an ejection or cool-down, never an
// isolated one) for one attempt.
import { describe, expect, it } from 'vitest';
import { down, ok, setup, times } from '../../test/support/health-tracker-kit.js';

describe('HealthTracker panic ordering', () => {
  it('returns the deployment whose ejection ends first and lets one attempt through', async () => {
    const { clock, tracker, send } = setup();
    await send([...times(20, ok()), ...times(5, down)], 'fallback');
    await clock.advance(1_000);
    await send([...times(20, ok()), ...times(5, down)], 'primary');
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
    expect(tracker.admit('fallback')).toBe(true);
    expect(tracker.admit('fallback')).toBe(false); // one pass per order()
    expect(tracker.admit('primary')).toBe(false);
  });

  it('prefers an ejected deployment to an isolated one, and returns nothing when all are isolated', async () => {
    const { tracker, send } = setup();
    tracker.isolate('primary');
    await send([...times(20, ok()), ...times(5, down)], 'fallback');
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
    tracker.isolate('fallback');
    expect(tracker.order(['primary', 'fallback'])).toEqual([]);
    expect(tracker.admit('fallback')).toBe(false);
  });

  it('takes the end of a cool-down into account', async () => {
    const { tracker, send } = setup();
    await send([...times(20, ok()), ...times(5, down)], 'fallback'); // ejected for 5 s
    await send([{ kind: 'rate-limited', latencyMs: 5, status: 429, retryAfterMs: 1_000 }], 'primary');
    expect(tracker.order(['fallback', 'primary'])).toEqual(['primary']);
    expect(tracker.admit('primary')).toBe(true);
  });

  it('lets the panic pass lapse when nobody uses it promptly', async () => {
    const { clock, tracker, send } = setup();
    await send([...times(20, ok()), ...times(5, down)]);
    expect(tracker.order(['primary'])).toEqual(['primary']);
    await clock.advance(1_001);
    expect(tracker.admit('primary')).toBe(false);
  });

  it('prefers a deployment out on a suspicion alone (nothing failed) to one ejected for failures', async () => {
    const { clock, tracker, send } = setup();
    await send([...times(20, ok())], 'fallback');
    await send([...times(20, ok()), ...times(5, down)], 'primary');
    // The fallback's requests wait past its usual time to first token: suspect, but nothing failed.
    tracker.start('fallback');
    // Nothing learned (the kit records outcomes only): suspect after suspectFactor × suspectFloorMs.
    await clock.advance(3_000);
    expect(tracker.snapshot().deployments.find((entry) => entry.id === 'fallback')?.reason).toMatch(/^suspect/);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
  });

  it('prefers, among deployments out on suspicion, the one whose suspicion is youngest', async () => {
    const { clock, tracker, send } = setup();
    await send([...times(20, ok())], 'primary');
    await send([...times(20, ok())], 'fallback');
    tracker.start('primary');
    await clock.advance(3_000);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
    tracker.start('fallback');
    await clock.advance(3_000);
    const reasons = tracker.snapshot().deployments.map((entry) => entry.reason);
    expect(reasons.every((reason) => reason.startsWith('suspect'))).toBe(true);
    expect(tracker.order(['primary', 'fallback'])).toEqual(['fallback']);
  });
});
