// Incident lifecycle with an injected clock: open on ejection, degraded past the grace period (and
// not shorter), escalate, resolve after the healthy period, one incident for a flapping deployment.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { createDetector } from './incident-test-kit.js';

describe('IncidentDetector lifecycle', () => {
  it('opens a major incident when a deployment is ejected, with the first failed request before it', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    const firstFailure = clock.now();
    kit.attempt('claude-direct', 'server', { status: 500, message: 'upstream 500' });
    await clock.advance(1_500);
    kit.attempt('claude-direct', 'server', { status: 500 });
    await clock.advance(500);
    kit.change('claude-direct', 'healthy', 'ejected');

    expect(kit.types()).toEqual(['opened:deployment:claude-direct']);
    const incident = kit.transitions[0]!.incident;
    expect(incident).toMatchObject({
      scope: 'deployment',
      key: 'claude-direct',
      severity: 'major',
      status: 'open',
      parentId: null,
      firstFailedAt: firstFailure,
      detectedAt: firstFailure + 2_000,
      resolvedAt: null,
      alerting: true,
      title: 'deployment claude-direct ejected',
    });
    expect(incident.evidence.failuresByKind).toEqual({ server: 2 });
    expect(incident.updates.map((update) => update.type)).toEqual(['opened']);
  });

  it('emits transitions on the next microtask when nobody flushes', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.deliver({
      kind: 'deployment',
      id: 'gpt-4o',
      from: 'healthy',
      to: 'ejected',
      reason: 'x',
      at: clock.now(),
      origin: 'local',
    });
    expect(kit.transitions).toHaveLength(0);
    await Promise.resolve();
    expect(kit.types()).toEqual(['opened:deployment:gpt-4o']);
  });

  it('opens a minor incident for a deployment degraded past the grace period, evaluated on tick', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { gracePeriodMs: 30_000 });
    const degradedAt = clock.now();
    kit.change('gpt-4o', 'healthy', 'degraded');
    for (let second = 0; second < 29; second += 1) {
      await clock.advance(1_000);
      kit.tick();
    }
    expect(kit.transitions).toHaveLength(0);
    await clock.advance(1_000);
    kit.tick();
    expect(kit.types()).toEqual(['opened:deployment:gpt-4o']);
    expect(kit.transitions[0]!.incident).toMatchObject({
      severity: 'minor',
      detectedAt: degradedAt + 30_000,
      title: 'deployment gpt-4o degraded for 30 s',
    });
  });

  it('opens nothing for a deployment degraded for less than the grace period', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { gracePeriodMs: 30_000 });
    kit.change('gpt-4o', 'healthy', 'degraded');
    await clock.advance(20_000);
    kit.tick();
    kit.change('gpt-4o', 'degraded', 'healthy');
    for (let second = 0; second < 120; second += 1) {
      await clock.advance(1_000);
      kit.tick();
    }
    expect(kit.transitions).toEqual([]);
    expect(kit.detector.openIncidents()).toEqual([]);
  });

  it('escalates a degraded incident when the deployment is ejected, then when clients see failures', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { gracePeriodMs: 10_000 });
    kit.attempt('gpt-4o', 'timeout', { route: 'chat' });
    kit.change('gpt-4o', 'healthy', 'degraded');
    await clock.advance(10_000);
    kit.tick();
    await clock.advance(5_000);
    kit.change('gpt-4o', 'degraded', 'ejected');
    await clock.advance(1_000);
    kit.detector.recordRequest({ route: 'chat', succeeded: false, status: 503, failedOver: true });
    kit.detector.flush();

    expect(
      kit.transitions.map((transition) => [transition.type, transition.sequence, transition.incident.severity]),
    ).toEqual([
      ['opened', 1, 'minor'],
      ['escalated', 2, 'major'],
      ['escalated', 3, 'critical'],
    ]);
    const last = kit.transitions.at(-1)!.incident;
    expect(last.title).toBe('deployment gpt-4o ejected');
    expect(last.updates.filter((update) => update.type === 'escalated').map((update) => update.message)).toEqual([
      expect.stringMatching(/^minor → major: gpt-4o ejected/),
      'major → critical: client requests failed',
    ]);
    // All three transitions concern one incident.
    expect(new Set(kit.transitions.map((transition) => transition.incident.id)).size).toBe(1);
  });

  it('does not count a client 400 or a disconnect as a failure clients saw', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.attempt('gpt-4o', 'server', { route: 'chat' });
    kit.change('gpt-4o', 'healthy', 'ejected');
    kit.detector.recordRequest({ route: 'chat', succeeded: false, status: 400, failedOver: false });
    kit.detector.recordRequest({ route: 'chat', succeeded: false, status: 499, failedOver: false });
    kit.detector.flush();
    expect(kit.types()).toEqual(['opened:deployment:gpt-4o']);
    expect(kit.detector.openIncidents()[0]).toMatchObject({ severity: 'major', evidence: { clientFailures: 0 } });
  });

  it('resolves after the scope has been healthy for the resolve period, with the recovery time', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { resolvePeriodMs: 60_000 });
    kit.change('claude-vertex', 'healthy', 'ejected');
    await clock.advance(30_000);
    kit.change('claude-vertex', 'ejected', 'probing');
    await clock.advance(2_000);
    const healthyAt = clock.now();
    kit.change('claude-vertex', 'probing', 'healthy');
    for (let second = 0; second < 59; second += 1) {
      await clock.advance(1_000);
      kit.tick();
    }
    expect(kit.types()).toEqual(['opened:deployment:claude-vertex']);
    await clock.advance(1_000);
    kit.tick();
    expect(kit.types()).toEqual(['opened:deployment:claude-vertex', 'resolved:deployment:claude-vertex']);
    const resolved = kit.transitions[1]!;
    expect(resolved.at).toBe(healthyAt + 60_000);
    expect(resolved.incident).toMatchObject({ status: 'resolved', resolvedAt: healthyAt });
    expect(resolved.incident.updates.map((update) => update.type)).toEqual([
      'opened',
      'state-change',
      'state-change',
      'recovering',
      'resolved',
    ]);
    expect(kit.detector.openIncidents()).toEqual([]);
    expect(kit.detector.recentlyResolved().map((incident) => incident.id)).toEqual([resolved.incident.id]);
  });

  it('keeps a flapping deployment to one incident: opened once, resolved once', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { resolvePeriodMs: 60_000 });
    kit.change('claude-direct', 'healthy', 'ejected');
    for (let cycle = 0; cycle < 5; cycle += 1) {
      await clock.advance(10_000);
      kit.change('claude-direct', 'ejected', 'probing');
      kit.change('claude-direct', 'probing', 'healthy');
      await clock.advance(20_000); // back within the resolve period
      kit.tick();
      kit.change('claude-direct', 'healthy', 'ejected');
    }
    await clock.advance(10_000);
    kit.change('claude-direct', 'ejected', 'probing');
    kit.change('claude-direct', 'probing', 'healthy');
    for (let second = 0; second < 61; second += 1) {
      await clock.advance(1_000);
      kit.tick();
    }
    expect(kit.types()).toEqual(['opened:deployment:claude-direct', 'resolved:deployment:claude-direct']);
    const updates = kit.transitions[1]!.incident.updates.map((update) => update.type);
    expect(updates.filter((type) => type === 'relapsed')).toHaveLength(5);
    expect(updates.filter((type) => type === 'recovering')).toHaveLength(6);

    // After the resolution, a new failure is a new incident.
    kit.change('claude-direct', 'healthy', 'ejected');
    expect(kit.types().at(-1)).toBe('opened:deployment:claude-direct');
    expect(kit.transitions.at(-1)!.incident.id).not.toBe(kit.transitions[0]!.incident.id);
  });

  it('applies a decision once when it arrives both locally and from another replica', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'remote' });
    kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'local' });
    kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'remote' });
    expect(kit.types()).toEqual(['opened:deployment:gpt-4o']);
    expect(kit.detector.openIncidents()[0]!.updates.map((update) => update.type)).toEqual(['opened']);
  });

  it('treats an operator isolation as the end of the failure, not a new one', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { resolvePeriodMs: 5_000 });
    kit.change('gpt-4o', 'healthy', 'isolated');
    expect(kit.transitions).toEqual([]);
    kit.change('gpt-4o', 'isolated', 'ejected');
    await clock.advance(1_000);
    kit.change('gpt-4o', 'ejected', 'isolated');
    await clock.advance(5_000);
    kit.tick();
    expect(kit.types()).toEqual(['opened:deployment:gpt-4o', 'resolved:deployment:gpt-4o']);
  });
});
