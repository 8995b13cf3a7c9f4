// Health learns from requests still in flight: a deployment whose requests wait for a first token far
// past its learned p99, with none answering, is suspect at once; a first token ends the suspicion;
// two suspect members degrade their failure domain. Driven by a ManualClock, no sleeping.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { HealthSettings } from './health-settings.js';
import { HealthTracker } from './health-tracker.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 400, timeToFirstTokenMs: 200 };

function setup(overrides: Partial<HealthSettings> = {}) {
  const clock = new ManualClock();
  const tracker = new HealthTracker({
    deployments: [
      { id: 'claude-a', domains: ['anthropic-model-layer'] },
      { id: 'claude-b', domains: ['anthropic-model-layer'] },
      { id: 'gpt-c', domains: ['openai'] },
    ],
    clock,
    // A crowd of three (the default is two): the plain rule is seen on its own with two waiting.
    defaults: { suspectFactor: 2, suspectFloorMs: 300, suspectCrowd: 3, ...overrides },
  });
  const learn = async (id: string, count = 20) => {
    for (let index = 0; index < count; index += 1) {
      const attempt = tracker.start(id);
      await clock.advance(200);
      attempt.firstContent();
      await clock.advance(10);
      attempt.end();
      tracker.record(id, ok);
    }
  };
  const state = (id: string) => tracker.snapshot().deployments.find((entry) => entry.id === id)!;
  return { clock, tracker, learn, state };
}

describe('health sees waiting requests', () => {
  it('makes a deployment suspect once its requests wait past factor × learned p99 with none answering', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    const p99 = state('claude-a').learnedTimeToFirstTokenP99Ms!;
    expect(p99).toBeGreaterThan(150);
    expect(p99).toBeLessThan(250);
    expect(state('claude-a').suspectAfterMs).toBe(2 * p99);

    const waiting = [tracker.start('claude-a'), tracker.start('claude-a')];
    await clock.advance(2 * p99 - 1);
    expect(tracker.order(['claude-a', 'gpt-c'])).toEqual(['claude-a', 'gpt-c']);
    expect(state('claude-a')).toMatchObject({ state: 'healthy', waitingForFirstToken: 2 });

    await clock.advance(1);
    // New requests go elsewhere at once; nothing has timed out yet.
    expect(tracker.order(['claude-a', 'gpt-c'])).toEqual(['gpt-c']);
    expect(state('claude-a').state).toBe('ejected');
    expect(state('claude-a').reason).toMatch(/^suspect: 2 request\(s\) waiting for a first token for over \d+ ms/);

    // The waiting ones keep waiting; the first of them to answer ends the suspicion.
    await clock.advance(3_000);
    expect(state('claude-a').waitingForFirstToken).toBe(2);
    waiting[0]!.firstContent();
    expect(state('claude-a').state).toBe('healthy');
    expect(tracker.order(['claude-a', 'gpt-c'])).toEqual(['claude-a', 'gpt-c']);
  });

  it('makes a deployment suspect sooner on a crowd: three requests waiting past the usual p99 at once', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    const p99 = state('claude-a').learnedTimeToFirstTokenP99Ms!;
    // The crowd's limit: the usual p99, never under suspectCrowdFloorMs (250 ms by default).
    const crowdLimit = Math.max(p99, 250);
    expect(crowdLimit).toBeLessThan(state('claude-a').suspectAfterMs);
    for (let index = 0; index < 3; index += 1) {
      tracker.start('claude-a');
      await clock.advance(40);
    }
    // The third started at 80 ms: at 80 + limit − 1 only two have waited that long.
    await clock.advance(crowdLimit - 1 - 40);
    expect(state('claude-a').state).toBe('healthy');
    await clock.advance(1);
    expect(state('claude-a').state).toBe('ejected');
    expect(state('claude-a').reason).toMatch(/^suspect: 3 requests waiting for a first token for over \d+ ms at once/);
  });

  it('needs the crowd: two requests past the usual p99 wait for factor × p99 as before', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    const suspectAfterMs = state('claude-a').suspectAfterMs;
    tracker.start('claude-a');
    tracker.start('claude-a');
    await clock.advance(suspectAfterMs - 1);
    expect(state('claude-a').state).toBe('healthy');
    await clock.advance(1);
    expect(state('claude-a').state).toBe('ejected');
  });

  it('holds a co-member back to one attempt at a time while a sibling is suspect of hanging', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    await learn('claude-b');
    const hung = tracker.start('claude-a');
    await clock.advance(400);
    expect(state('claude-a').state).toBe('ejected');
    // claude-b takes one attempt; until it answers, the next requests go to another family.
    expect(tracker.admit('claude-b')).toBe(true);
    const first = tracker.start('claude-b');
    expect(tracker.admit('claude-b')).toBe(false);
    expect(tracker.admit('gpt-c')).toBe(true);
    await clock.advance(150);
    expect(tracker.admit('claude-b')).toBe(false);
    // A non-streaming attempt waiting there fails over on this, as on an ejection.
    expect(tracker.outOfRotation('claude-b')).toMatch(/^held back: a co-member of its failure domain is suspect/);
    // It answers: it is not hung, and takes traffic freely again.
    first.firstContent();
    expect(tracker.outOfRotation('claude-b')).toBeUndefined();
    expect(tracker.admit('claude-b')).toBe(true);
    tracker.start('claude-b');
    expect(tracker.admit('claude-b')).toBe(true);
    tracker.start('claude-b');
    // A sibling no longer suspect holds nothing back either.
    hung.firstContent();
    expect(state('claude-a').state).toBe('healthy');
    expect(tracker.admit('claude-b')).toBe(true);
  });

  it('keeps holding the co-member back once the hung sibling is ejected for its timeouts, until it is readmitted', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    tracker.start('claude-a');
    await clock.advance(400);
    expect(tracker.admit('claude-b')).toBe(true);
    tracker.start('claude-b', { stream: false });
    // The hung attempt times out while claude-a is probing: ejected again, for a failure this time.
    await clock.advance(state('claude-a').ejectedUntil! - clock.now());
    expect(state('claude-a').state).toBe('probing');
    tracker.record('claude-a', { kind: 'first-token-timeout', latencyMs: 5_000 });
    expect(state('claude-a')).toMatchObject({ state: 'ejected', reason: 'trial request failed: first-token-timeout' });
    expect(tracker.admit('claude-b')).toBe(false);
    tracker.release('claude-a');
    tracker.isolate('claude-a');
    tracker.release('claude-a');
    expect(tracker.admit('claude-b')).toBe(true);
  });

  it('suspects a co-member whose held attempt times out without content beside a hung sibling', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    await learn('claude-b');
    tracker.start('claude-a');
    await clock.advance(400);
    expect(state('claude-a').state).toBe('ejected');
    // A non-streaming attempt (never watched) held on claude-b gives up at its limit: claude-b hangs too.
    const held = tracker.start('claude-b', { stream: false });
    await clock.advance(5_000);
    held.end();
    tracker.record('claude-b', { kind: 'first-token-timeout', latencyMs: 5_000 });
    expect(state('claude-b')).toMatchObject({ state: 'ejected' });
    expect(state('claude-b').reason).toMatch(/^suspect: a request waiting for content timed out while a co-member/);
    // claude-a is probing by now (its ejection is over), after gpt-c: the domain is degraded.
    expect(tracker.order(['claude-a', 'claude-b', 'gpt-c'])).toEqual(['gpt-c', 'claude-a']);
    expect(tracker.snapshot().domains.find((domain) => domain.name === 'anthropic-model-layer')?.state).toBe(
      'degraded',
    );
    // Without a hung co-member, one timeout is one failure.
    tracker.start('gpt-c');
    tracker.record('gpt-c', { kind: 'first-token-timeout', latencyMs: 5_000 });
    expect(state('gpt-c').state).toBe('healthy');
  });

  it('is not suspect while other requests keep answering (one slow request is not a hung deployment)', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    tracker.start('claude-a');
    for (let index = 0; index < 20; index += 1) {
      const attempt = tracker.start('claude-a');
      await clock.advance(200);
      attempt.firstContent();
      attempt.end();
      tracker.record('claude-a', ok);
    }
    expect(tracker.order(['claude-a', 'gpt-c'])).toEqual(['claude-a', 'gpt-c']);
    expect(state('claude-a').state).toBe('healthy');
  });

  it('never suspects a deployment because of patient (long-thinking or non-streaming) requests', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    tracker.start('claude-a', { patient: true });
    await clock.advance(60_000);
    expect(tracker.order(['claude-a', 'claude-b'])).toEqual(['claude-a', 'claude-b']);
    expect(state('claude-a').state).toBe('healthy');
  });

  it('judges a deployment that learned nothing by its failure domain’s figures, else by factor × floor', async () => {
    const { clock, tracker, learn, state } = setup();
    tracker.start('gpt-c');
    tracker.start('claude-b');
    await learn('claude-a');
    // claude-b borrows claude-a's p99 (same domain); gpt-c has nothing to borrow: 2 × the 300 ms floor.
    expect(state('claude-b')).toMatchObject({ learnedTimeToFirstTokenP99Ms: null, suspectAfterMs: 400 });
    expect(state('gpt-c')).toMatchObject({ learnedTimeToFirstTokenP99Ms: null, suspectAfterMs: 600 });
    expect(state('claude-b').state).toBe('ejected');
    expect(state('claude-b').reason).toMatch(/its domain's usual p99 200 ms/);
    expect(state('gpt-c').state).toBe('ejected');
    expect(state('gpt-c').reason).toMatch(/nothing learned yet/);
    await clock.advance(0);
  });

  it('is not cleared by a first token of an attempt that started before the oldest waiting one', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    const before = tracker.start('claude-a', { patient: true });
    await clock.advance(10);
    const waiting = tracker.start('claude-a');
    await clock.advance(400);
    expect(state('claude-a').state).toBe('ejected');
    before.firstContent();
    expect(state('claude-a').state).toBe('ejected');
    waiting.firstContent();
    expect(state('claude-a').state).toBe('healthy');
  });

  it('keeps abandoned attempts (the losing side of a hedge) as evidence for as long as they had waited', async () => {
    // Two lost races would make it suspect first (lost-races.test.ts): this watches the waiting rule alone.
    const { clock, tracker, learn, state } = setup({ suspectLostRaces: 5 });
    await learn('claude-a');
    // Two attempts the hedges beat after 399 ms: just under factor × p99 (400 ms), and they stay there.
    const lost = [tracker.start('claude-a'), tracker.start('claude-a')];
    await clock.advance(399);
    for (const attempt of lost) attempt.abandon!();
    await clock.advance(10_000);
    expect(state('claude-a')).toMatchObject({ state: 'healthy', waitingForFirstToken: 2 });
    // One more beaten after 260 ms makes three past the usual p99 (and the 250 ms crowd floor): a crowd.
    const third = tracker.start('claude-a');
    await clock.advance(260);
    third.abandon!();
    expect(state('claude-a').state).toBe('ejected');
    expect(state('claude-a').reason).toMatch(/^suspect: 3 requests waiting/);
  });

  it('never suspects a deployment whose hedges keep losing early (it waited briefly, then was abandoned)', async () => {
    const { clock, tracker, state } = setup();
    for (let index = 0; index < 50; index += 1) {
      const hedge = tracker.start('claude-b');
      await clock.advance(60);
      hedge.abandon!();
      await clock.advance(500);
    }
    expect(state('claude-b')).toMatchObject({ state: 'healthy', waitingForFirstToken: 0 });
  });

  it('forgets what waited before a readmission', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    tracker.start('claude-a');
    await clock.advance(400);
    expect(state('claude-a').state).toBe('ejected');
    tracker.release('claude-a');
    tracker.isolate('claude-a');
    expect(tracker.release('claude-a')).toBe(true);
    await clock.advance(1_000);
    expect(state('claude-a').state).toBe('healthy');
  });

  it('never lets the limit fall under the floor', async () => {
    const { clock, tracker, state } = setup();
    for (let index = 0; index < 20; index += 1) {
      const attempt = tracker.start('claude-a');
      await clock.advance(5);
      attempt.firstContent();
      attempt.end();
      tracker.record('claude-a', { kind: 'success', latencyMs: 5, timeToFirstTokenMs: 5 });
    }
    tracker.start('claude-a');
    await clock.advance(299);
    expect(state('claude-a')).toMatchObject({ state: 'healthy', suspectAfterMs: 300 });
    await clock.advance(1);
    expect(state('claude-a').state).toBe('ejected');
  });

  it('degrades the failure domain when two of its members are suspect', async () => {
    const { clock, tracker, learn } = setup();
    await learn('claude-a');
    await learn('claude-b');
    tracker.start('claude-a');
    tracker.start('claude-b');
    await clock.advance(1_000);
    expect(tracker.order(['claude-a', 'claude-b', 'gpt-c'])).toEqual(['gpt-c']);
    const domain = tracker.snapshot().domains.find((entry) => entry.name === 'anthropic-model-layer')!;
    expect(domain).toMatchObject({ state: 'degraded', affected: ['claude-a', 'claude-b'] });
  });

  it('keeps the learned figures while the window empties (a hung deployment records nothing)', async () => {
    const { clock, learn, state } = setup();
    await learn('claude-a');
    const learned = state('claude-a').learnedTimeToFirstTokenP99Ms;
    await clock.advance(60_000);
    expect(state('claude-a')).toMatchObject({ timeToFirstTokenP95Ms: null, learnedTimeToFirstTokenP99Ms: learned });
  });
});

describe('hard failures at low traffic', () => {
  const hardDown: AttemptOutcome = { kind: 'server', latencyMs: 20, status: 503 };

  it('ejects after three hard failures in a row at one request every 4 s', async () => {
    const { clock, tracker, state } = setup();
    for (let index = 0; index < 3; index += 1) {
      await clock.advance(4_000);
      expect(state('gpt-c').state).toBe('healthy');
      tracker.record('gpt-c', index === 1 ? { kind: 'connect', latencyMs: 2 } : hardDown);
    }
    expect(state('gpt-c')).toMatchObject({ state: 'ejected' });
    expect(state('gpt-c').reason).toMatch(/3 hard failures in a row/);
  });

  it('does not count failures that are not hard (a 500, a timeout) toward that short run', async () => {
    const { clock, tracker, state } = setup();
    for (const outcome of [hardDown, { kind: 'server', latencyMs: 20, status: 500 }, hardDown, hardDown] as const) {
      await clock.advance(4_000);
      tracker.record('gpt-c', outcome);
    }
    expect(state('gpt-c').state).toBe('healthy');
    await clock.advance(4_000);
    tracker.record('gpt-c', hardDown);
    expect(state('gpt-c').state).toBe('ejected');
  });
});
