// Hedge races a deployment lost are evidence against it: one holds it back to the attempts it has
// out, two (none answered since) make it suspect, and probes — not clients — find its recovery. A
// hedge that wins by a hair over a normal attempt, or races lost among answers, never count.
// Driven by a ManualClock, no sleeping.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { ActiveProber } from './active-probes.js';
import { HealthTracker } from './health-tracker.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 400, timeToFirstTokenMs: 200 };

function setup() {
  const clock = new ManualClock();
  const tracker = new HealthTracker({
    deployments: [
      { id: 'claude-a', domains: ['anthropic'] },
      { id: 'gpt-c', domains: ['openai'] },
    ],
    clock,
  });
  /** `count` answered attempts of `id`, each after `ms` (a stream's first token, or a whole answer). */
  const learn = async (id: string, ms = 200, stream = true, count = 20) => {
    for (let index = 0; index < count; index += 1) {
      const attempt = tracker.start(id, { stream });
      await clock.advance(ms);
      attempt.firstContent();
      attempt.end();
      tracker.record(id, { ...ok, timeToFirstTokenMs: ms });
    }
  };
  /** An attempt of claude-a that another deployment beats after `ms` without content. */
  const loseRace = async (ms: number, options: { stream?: boolean; patient?: boolean } = {}) => {
    const attempt = tracker.start('claude-a', options);
    await clock.advance(ms);
    attempt.abandon!();
  };
  const state = (id = 'claude-a') => tracker.snapshot().deployments.find((entry) => entry.id === id)!;
  const both = ['claude-a', 'gpt-c'];
  return { clock, tracker, learn, loseRace, state, both };
}

describe('lost hedge races', () => {
  it('makes a deployment suspect after two races lost past its usual p99, none answered since', async () => {
    const { tracker, learn, loseRace, state, both } = setup();
    await learn('claude-a');
    expect(state().learnedTimeToFirstTokenP99Ms).toBe(200);

    await loseRace(260);
    // One lost race with nothing else out: the next request may still go there (it may answer).
    expect(state().state).toBe('healthy');
    expect(tracker.order(both)).toEqual(both);
    expect(tracker.admit('claude-a')).toBe(true);

    await loseRace(260);
    expect(state().state).toBe('ejected');
    expect(state().reason).toBe(
      'suspect: lost 2 hedge races, another deployment answered first while its requests had waited 260 ms (usual p99 200 ms), 260 ms (usual p99 200 ms) for content, none answered since',
    );
    // New requests go straight to the other deployment: there is nothing left to hedge against.
    expect(tracker.order(both)).toEqual(['gpt-c']);
  });

  it('holds a deployment back to the attempts it has out after one lost race, until one answers', async () => {
    const { clock, tracker, learn, state, both } = setup();
    await learn('claude-a');
    const beaten = tracker.start('claude-a');
    await clock.advance(100);
    const later = tracker.start('claude-a');
    await clock.advance(160);
    beaten.abandon!();

    expect(state().state).toBe('healthy');
    expect(tracker.outOfRotation('claude-a')).toBe('held back: it lost a hedge race and has not answered since');
    expect(tracker.order(both)).toEqual(['gpt-c']);
    expect(tracker.admit('claude-a')).toBe(false);
    // Alone, it is still tried (a panic pick) rather than failing the request.
    expect(tracker.order(['claude-a'])).toEqual(['claude-a']);
    expect(tracker.admit('claude-a')).toBe(true);

    // An attempt that started after the lost one answers: it answers again, the race no longer counts.
    later.firstContent();
    expect(tracker.outOfRotation('claude-a')).toBeUndefined();
    expect(tracker.order(both)).toEqual(both);
    await clock.advance(10);
    const next = tracker.start('claude-a');
    await clock.advance(260);
    next.abandon!();
    expect(state().state).toBe('healthy');
  });

  it('is not cleared by an answer of an attempt that started before the lost race', async () => {
    const { clock, tracker, learn, loseRace, state } = setup();
    await learn('claude-a');
    const older = tracker.start('claude-a');
    await clock.advance(10);
    await loseRace(260);
    // Its first token after 270 ms makes that the usual p99: the next race is lost after longer.
    older.firstContent();
    older.end();
    await loseRace(400);
    expect(state().state).toBe('ejected');
  });

  it('does not count a hedge that wins by a hair: the beaten attempt had not waited past its usual p99', async () => {
    const { learn, loseRace, state, tracker, both } = setup();
    await learn('claude-a');
    for (let index = 0; index < 10; index += 1) await loseRace(199);
    expect(state().state).toBe('healthy');
    expect(tracker.order(both)).toEqual(both);
  });

  it('never counts a race lost sooner than the floor, however fast the deployment usually is', async () => {
    const { learn, loseRace, state } = setup();
    // Usually 10 ms: beaten after 40 ms is four times its p99, but under lostRaceFloorMs (50 ms).
    await learn('claude-a', 10);
    for (let index = 0; index < 10; index += 1) await loseRace(40);
    expect(state().state).toBe('healthy');
    await loseRace(50);
    await loseRace(50);
    expect(state().state).toBe('ejected');
  });

  it('judges non-streaming races on the usual time to a whole answer; long-thinking attempts never count', async () => {
    const { learn, loseRace, state } = setup();
    await learn('claude-a', 800, false);
    for (let index = 0; index < 5; index += 1) await loseRace(700, { stream: false });
    for (let index = 0; index < 5; index += 1) await loseRace(5_000, { patient: true });
    expect(state().state).toBe('healthy');
    await loseRace(900, { stream: false });
    await loseRace(900, { stream: false });
    expect(state().state).toBe('ejected');
  });

  it('stays quiet in healthy traffic at 25 req/s where the slowest requests lose their races', async () => {
    const { clock, tracker, learn, state } = setup();
    await learn('claude-a');
    // Time to first token 150–250 ms, every 17th request 600 ms; a request hedges at 250 ms and the
    // hedge answers 200 ms later, so the slow ones are beaten after 450 ms, past the usual p99.
    const pending: Array<{ at: number; run: () => void }> = [];
    let beaten = 0;
    for (let index = 0; index < 1_500; index += 1) {
      const startAt = clock.now() + index * 40;
      const ttft = index % 17 === 0 ? 600 : 150 + ((index * 37) % 101);
      pending.push({
        at: startAt,
        run: () => {
          const attempt = tracker.start('claude-a');
          if (ttft > 450) {
            pending.push({ at: startAt + 450, run: () => attempt.abandon!() });
            beaten += 1;
          } else pending.push({ at: startAt + ttft, run: () => attempt.firstContent() });
        },
      });
    }
    while (pending.length > 0) {
      pending.sort((a, b) => a.at - b.at);
      const next = pending.shift()!;
      await clock.advance(next.at - clock.now());
      next.run();
      expect(tracker.outOfRotation('claude-a')).toBeUndefined();
    }
    expect(beaten).toBeGreaterThan(80);
    expect(state()).toMatchObject({ state: 'healthy', learnedTimeToFirstTokenP99Ms: expect.any(Number) });
    expect(state().learnedTimeToFirstTokenP99Ms).toBeLessThan(450);
  });

  it('stays quiet at one request every 4 s where every tenth request loses its race', async () => {
    const { clock, tracker, learn, loseRace, state, both } = setup();
    await learn('claude-a');
    for (let index = 1; index <= 60; index += 1) {
      await clock.advance(4_000);
      if (index % 10 === 0) await loseRace(450);
      else await learn('claude-a', 200, true, 1);
      expect(tracker.order(both)).toEqual(both);
    }
    expect(state().state).toBe('healthy');
  });

  it('leaves the recovery to probes: a probe readmits the deployment, a slow probe ejects it again', async () => {
    const { clock, tracker, learn, loseRace, state, both } = setup();
    await learn('claude-a');
    await loseRace(260);
    await loseRace(260);
    expect(state().state).toBe('ejected');
    let probeAnswer: AttemptOutcome = { kind: 'first-token-timeout', latencyMs: 2_000 };
    const prober = new ActiveProber({ tracker, clock, probe: async () => probeAnswer });

    // Ejection over: probing, yet clients still go to the other deployment first.
    await clock.advance(5_000);
    expect(state().state).toBe('probing');
    expect(tracker.order(both)).toEqual(['gpt-c', 'claude-a']);
    await prober.tick();
    expect(state().state).toBe('ejected');
    expect(state().reason).toMatch(/^trial request failed: first-token-timeout/);

    // Healed: the next probe readmits it, with nothing of the lost races left.
    probeAnswer = ok;
    await clock.advance(10_000);
    await prober.tick();
    expect(state().state).toBe('healthy');
    expect(tracker.order(both)).toEqual(both);
    await loseRace(260);
    expect(state().state).toBe('healthy');
  });
});
