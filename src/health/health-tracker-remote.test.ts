// The hooks a shared store (Redis) uses: decisions from other replicas, and outcome counts exchanged
// between replicas. Two trackers stand in for two replicas; the store itself is not involved here.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { BucketCounts } from './bucket-counts.js';
import type { StateChange } from './deployment-state.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { HealthTracker } from './health-tracker.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
const down: AttemptOutcome = { kind: 'overloaded', latencyMs: 30, status: 529 };

function replica(clock: ManualClock) {
  const tracker = new HealthTracker({ deployments: [{ id: 'claude', domains: [] }], clock });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  const entry = () => tracker.snapshot().deployments[0]!;
  return { tracker, changes, entry };
}

describe('HealthTracker.applyRemoteState', () => {
  it('applies another replica’s ejection, marked remote, and then probes on its own clock', async () => {
    const clock = new ManualClock();
    const { tracker, changes, entry } = replica(clock);
    const at = clock.now();
    expect(
      tracker.applyRemoteState({
        id: 'claude',
        to: 'ejected',
        reason: '5 consecutive failures',
        at,
        ejectedUntil: at + 10_000,
        ejectionCount: 2,
      }),
    ).toBe(true);
    expect(entry()).toMatchObject({
      state: 'ejected',
      ejectedUntil: at + 10_000,
      ejectionCount: 2,
      reason: '5 consecutive failures',
    });
    expect(tracker.admit('claude')).toBe(false);
    expect(changes).toEqual([
      {
        kind: 'deployment',
        id: 'claude',
        from: 'healthy',
        to: 'ejected',
        reason: '5 consecutive failures',
        at,
        origin: 'remote',
        ejectedUntil: at + 10_000,
        ejectionCount: 2,
      },
    ]);
    await clock.advance(10_000);
    expect(entry().state).toBe('probing');
    expect(changes.at(-1)).toMatchObject({ to: 'probing', origin: 'local' });
  });

  it('computes the ejection end from the count when the decision does not carry it', () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    tracker.applyRemoteState({ id: 'claude', to: 'ejected', reason: 'remote', at: clock.now() });
    expect(entry()).toMatchObject({ ejectionCount: 1, ejectedUntil: clock.now() + 5_000 });
  });

  it('readmits on a remote healthy decision and forgets the failures that caused the ejection', async () => {
    const clock = new ManualClock();
    const { tracker, changes, entry } = replica(clock);
    for (let index = 0; index < 20; index += 1) tracker.record('claude', ok);
    for (let index = 0; index < 5; index += 1) tracker.record('claude', down);
    expect(entry().state).toBe('ejected');
    await clock.advance(5_000);
    expect(
      tracker.applyRemoteState({ id: 'claude', to: 'healthy', reason: 'trial request succeeded', at: clock.now() }),
    ).toBe(true);
    expect(entry()).toMatchObject({ state: 'healthy', requests: 0, consecutiveFailures: 0 });
    expect(changes.map((change) => `${change.to}/${change.origin}`)).toEqual([
      'degraded/local',
      'ejected/local',
      'probing/local',
      'healthy/remote',
    ]);
  });

  it('ignores a decision older than the latest local change', async () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    const before = clock.now();
    await clock.advance(1_000);
    tracker.isolate('claude');
    expect(tracker.applyRemoteState({ id: 'claude', to: 'healthy', reason: 'stale', at: before })).toBe(false);
    expect(entry().state).toBe('isolated');
  });

  it('keeps an isolated deployment isolated until a release, local or remote', async () => {
    const clock = new ManualClock();
    const { tracker, changes, entry } = replica(clock);
    tracker.isolate('claude');
    await clock.advance(100);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'ejected', reason: 'remote', at: clock.now() })).toBe(false);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'probing', reason: 'remote', at: clock.now() })).toBe(false);
    expect(entry().state).toBe('isolated');
    expect(
      tracker.applyRemoteState({ id: 'claude', to: 'healthy', reason: 'released by an operator', at: clock.now() }),
    ).toBe(true);
    expect(entry().state).toBe('healthy');
    expect(changes.map((change) => `${change.to}/${change.origin}`)).toEqual(['isolated/local', 'healthy/remote']);
  });

  it('does not apply degraded (each replica derives it from the shared window) nor repeat a state it is in', () => {
    const clock = new ManualClock();
    const { tracker, changes } = replica(clock);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'degraded', reason: 'remote', at: clock.now() })).toBe(false);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'healthy', reason: 'remote', at: clock.now() })).toBe(false);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'isolated', reason: 'drain', at: clock.now() })).toBe(true);
    expect(tracker.applyRemoteState({ id: 'claude', to: 'isolated', reason: 'drain', at: clock.now() })).toBe(false);
    expect(changes.map((change) => `${change.to}/${change.origin}`)).toEqual(['isolated/remote']);
  });

  it('keeps the later end when both replicas ejected at about the same time', () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    for (let index = 0; index < 20; index += 1) tracker.record('claude', ok);
    for (let index = 0; index < 5; index += 1) tracker.record('claude', down);
    const localUntil = entry().ejectedUntil!;
    tracker.applyRemoteState({
      id: 'claude',
      to: 'ejected',
      reason: 'remote',
      at: clock.now(),
      ejectedUntil: localUntil - 1_000,
      ejectionCount: 1,
    });
    expect(entry().ejectedUntil).toBe(localUntil);
    tracker.applyRemoteState({
      id: 'claude',
      to: 'ejected',
      reason: 'remote',
      at: clock.now(),
      ejectedUntil: localUntil + 1_000,
      ejectionCount: 2,
    });
    expect(entry()).toMatchObject({ ejectedUntil: localUntil + 1_000, ejectionCount: 2 });
  });

  it('probing from a remote decision admits a trial', () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    tracker.applyRemoteState({ id: 'claude', to: 'probing', reason: 'remote', at: clock.now() });
    expect(entry().state).toBe('probing');
    expect(tracker.admit('claude')).toBe(true);
    expect(tracker.admit('claude')).toBe(false);
  });
});

describe('HealthTracker counts across replicas', () => {
  it('exchanges local deltas so the failure rate covers the whole fleet', async () => {
    const clock = new ManualClock();
    const a = replica(clock);
    const b = replica(clock);
    // Each replica alone sees 30 requests with 9 failures; neither reaches 40 requests.
    for (let index = 0; index < 30; index += 1) {
      await clock.advance(50);
      a.tracker.record('claude', index % 10 < 7 ? down : ok);
      b.tracker.record('claude', index % 10 < 7 ? down : ok);
    }
    expect(a.entry()).toMatchObject({ state: 'degraded', requests: 30 });
    const fromA = a.tracker.takeLocalDeltas();
    const fromB = b.tracker.takeLocalDeltas();
    expect(fromA.every((delta) => delta.id === 'claude')).toBe(true);
    // Through JSON, as a shared store would carry them.
    for (const delta of JSON.parse(JSON.stringify(fromB)) as typeof fromB)
      a.tracker.mergeRemoteCounts(delta.id, delta.bucketStartMs, delta.counts);
    for (const delta of fromA) b.tracker.mergeRemoteCounts(delta.id, delta.bucketStartMs, delta.counts);
    // Ejected as soon as the merged buckets hold 40 requests, somewhere past the 30 it saw itself.
    expect(a.entry().state).toBe('ejected');
    expect(a.entry().reason).toMatch(/^failure rate 7\d(\.\d)?% over (4\d|5\d|60) requests \(across replicas\)$/);
    expect(b.entry().state).toBe('ejected');
    expect(a.changes.at(-1)).toMatchObject({ to: 'ejected', origin: 'local' }); // a's own decision, from fleet figures
    // Remote counts are never handed out again as local ones.
    expect(a.tracker.takeLocalDeltas()).toEqual([]);
  });

  it('refuses remote counts recorded before a readmission', async () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    const staleBucket = Math.floor(clock.now() / 1_000) * 1_000;
    tracker.applyRemoteState({ id: 'claude', to: 'ejected', reason: 'remote', at: clock.now() });
    await clock.advance(5_000);
    tracker.admit('claude');
    tracker.record('claude', ok);
    expect(entry().state).toBe('healthy');
    const failures: BucketCounts = {
      attempts: 50,
      successes: 0,
      failures: 50,
      failuresByKind: { overloaded: 50 },
      latency: {},
      timeToFirstToken: {},
    };
    expect(tracker.mergeRemoteCounts('claude', staleBucket, failures)).toBe(false);
    expect(entry()).toMatchObject({ state: 'healthy', requests: 0 });
  });

  it('shows merged latency figures in the snapshot', () => {
    const clock = new ManualClock();
    const a = replica(clock);
    const b = replica(clock);
    for (let index = 0; index < 10; index += 1)
      b.tracker.record('claude', { kind: 'success', latencyMs: 1_000, timeToFirstTokenMs: 400 });
    for (const delta of b.tracker.takeLocalDeltas())
      a.tracker.mergeRemoteCounts(delta.id, delta.bucketStartMs, delta.counts);
    const entry = a.entry();
    expect(entry.requests).toBe(10);
    expect(entry.latencyP50Ms!).toBeGreaterThan(900);
    expect(entry.latencyP50Ms!).toBeLessThan(1_100);
    expect(entry.timeToFirstTokenP95Ms!).toBeGreaterThan(360);
    expect(entry.timeToFirstTokenP95Ms!).toBeLessThan(440);
  });
});

describe('HealthTracker.applyRemoteState: what makes a remote decision stale', () => {
  it('applies an ejection decided before this replica started, or before its own degraded flip', async () => {
    const clock = new ManualClock();
    const decidedAt = clock.now();
    await clock.advance(5_000);
    // A replica that starts after the decision (its creation is no decision).
    const late = replica(clock);
    expect(
      late.tracker.applyRemoteState({
        id: 'claude',
        to: 'ejected',
        reason: 'remote',
        at: decidedAt,
        ejectedUntil: decidedAt + 20_000,
      }),
    ).toBe(true);
    expect(late.entry().state).toBe('ejected');

    // A replica whose own window flipped it to degraded just after the other replica decided.
    const flipped = replica(clock);
    for (let index = 0; index < 20; index += 1) {
      flipped.tracker.record('claude', index % 4 === 0 ? down : { kind: 'success', latencyMs: 5 });
      await clock.advance(50);
    }
    expect(flipped.entry().state).toBe('degraded');
    expect(
      flipped.tracker.applyRemoteState({
        id: 'claude',
        to: 'ejected',
        reason: 'remote',
        at: decidedAt,
        ejectedUntil: decidedAt + 20_000,
      }),
    ).toBe(true);
    expect(flipped.entry().state).toBe('ejected');
  });

  it('ignores a remote decision older than a decision taken here', async () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    const staleAt = clock.now();
    await clock.advance(1_000);
    tracker.isolate('claude', 'maintenance');
    expect(tracker.applyRemoteState({ id: 'claude', to: 'ejected', reason: 'remote', at: staleAt })).toBe(false);
    expect(entry().state).toBe('isolated');
  });
});

describe('HealthTracker fleet slots', () => {
  it('asks the shared store for a slot up to the run that ejects, and a refused attempt gives its admit back', async () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    expect(tracker.reserve('claude')).toEqual({});
    const limits: number[] = [];
    let grant = false;
    tracker.useFleetSlots({
      reserve: async (_id, limit) => {
        limits.push(limit);
        return grant ? { reservation: 'slot-1' } : undefined;
      },
      release: () => {},
    });
    for (let index = 0; index < 20; index += 1) {
      tracker.record('claude', ok);
      await clock.advance(50);
    }
    // A deployment that usually works ejects after five failures in a row: that is the limit asked for.
    for (let index = 0; index < 5; index += 1) tracker.record('claude', down);
    expect(entry().state).toBe('ejected');
    await clock.advance(entry().ejectedUntil! - clock.now());
    expect(entry().state).toBe('probing');
    // The one trial slot: admitted, refused by the fleet, and free again for the next (a probe).
    expect(tracker.admit('claude')).toBe(true);
    expect(await tracker.reserve('claude')).toBeUndefined();
    expect(entry().probesInFlight).toBe(0);
    expect(tracker.admit('claude')).toBe(true);
    grant = true;
    expect(await tracker.reserve('claude')).toEqual({ reservation: 'slot-1' });
    expect(tracker.admit('claude')).toBe(false);
    expect(limits[0]).toBe(5);
    // That trial's retry, refused, goes on the trial's admit: it gives nothing back, the slot stays taken.
    grant = false;
    expect(await tracker.reserve('claude', false)).toBeUndefined();
    expect(entry().probesInFlight).toBe(1);
    expect(tracker.admit('claude')).toBe(false);
  });
});

describe('HealthTracker.giveBack', () => {
  it('frees an admitted attempt’s trial slot and fleet slot without counting an outcome', async () => {
    const clock = new ManualClock();
    const { tracker, entry } = replica(clock);
    const released: Array<[string, unknown]> = [];
    tracker.useFleetSlots({
      reserve: async () => ({ reservation: 'slot-1' }),
      release: (id, slot) => released.push([id, slot]),
    });
    tracker.applyRemoteState({ id: 'claude', to: 'probing', reason: 'remote', at: clock.now() });
    expect(tracker.admit('claude')).toBe(true);
    expect(tracker.admit('claude')).toBe(false);
    const before = entry().attempts;
    tracker.giveBack('claude', { reservation: 'slot-1' });
    expect(released).toEqual([['claude', { reservation: 'slot-1' }]]);
    expect(entry()).toMatchObject({ state: 'probing', probesInFlight: 0, attempts: before });
    expect(tracker.admit('claude')).toBe(true);
  });
});
