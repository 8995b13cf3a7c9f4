// Grouping: deployment incidents under the incident of their degraded failure domain (driven by a real
// HealthTracker) or of their provider; the parent alerts for children opened with it, resolves last,
// and is critical when no member is healthy.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { HealthTracker } from '../health/health-tracker.js';
import { alertFor } from '../alerts/alert.js';
import { attachIncidentDetector } from './attach-incident-detector.js';
import { createDetector, placements } from './incident-test-kit.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200 };
const down: AttemptOutcome = { kind: 'overloaded', latencyMs: 30, status: 529 };

describe('incident grouping', () => {
  it('groups member incidents under the domain incident when the tracker degrades the domain', async () => {
    const clock = new ManualClock();
    const tracker = new HealthTracker({
      clock,
      deployments: placements.map(({ id, domains }) => ({ id, domains })),
      defaults: { consecutiveFailures: 5 },
    });
    const kit = createDetector(clock, { resolvePeriodMs: 60_000, health: tracker });
    attachIncidentDetector(kit.detector, { tracker, channels: false });
    const send = async (id: string, outcomes: AttemptOutcome[]) => {
      for (const outcome of outcomes) {
        await clock.advance(50);
        tracker.record(id, outcome);
      }
    };
    await send('claude-direct', [...Array(20).fill(ok), ...Array(5).fill(down)]);
    await clock.advance(0);
    expect(kit.types()).toEqual(['opened:deployment:claude-direct']);
    await send('claude-bedrock', [...Array(20).fill(ok), ...Array(5).fill(down)]);
    await clock.advance(0);

    // The domain opens with the second ejection; bedrock's incident, opened in the same event, is its child.
    expect(kit.types()).toEqual([
      'opened:deployment:claude-direct',
      'opened:domain:anthropic-model-layer',
      'opened:deployment:claude-bedrock',
    ]);
    const domain = kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })!;
    const direct = kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })!;
    const bedrock = kit.detector.incident({ scope: 'deployment', key: 'claude-bedrock' })!;
    expect(domain).toMatchObject({ severity: 'major', parentId: null, alerting: true });
    expect(direct).toMatchObject({ parentId: domain.id, alerting: true });
    expect(bedrock).toMatchObject({ parentId: domain.id, alerting: false });
    expect(domain.evidence.deployments).toEqual(['claude-bedrock', 'claude-direct']);
    expect(domain.evidence.failuresByKind).toEqual({});
    // Alerted: the first deployment on its own, then the domain; not bedrock's own opening.
    expect(
      kit.transitions.filter((transition) => alertFor(transition)).map((transition) => transition.incident.scopeKey),
    ).toEqual(['deployment:claude-direct', 'domain:anthropic-model-layer']);
  });

  it('makes a domain incident critical when no member is healthy', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.change('claude-direct', 'healthy', 'ejected');
    kit.change('claude-bedrock', 'healthy', 'ejected');
    kit.domain('anthropic-model-layer', 'degraded');
    expect(kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })!.severity).toBe('major');
    kit.change('claude-vertex', 'healthy', 'degraded');
    const escalation = kit.transitions.find((transition) => transition.type === 'escalated')!;
    expect(escalation).toMatchObject({
      sequence: 3,
      incident: { scopeKey: 'domain:anthropic-model-layer', severity: 'critical' },
    });
    expect(alertFor(escalation)).toBeDefined();
    // A child's own degraded state stays within its grace period: no incident of its own yet.
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-vertex' })).toBeUndefined();
  });

  it('groups two failing deployments of one provider under a provider incident', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    // claude-direct-eu is in no domain; claude-direct's domain stays healthy (one member down).
    kit.change('claude-direct-eu', 'healthy', 'ejected');
    await clock.advance(2_000);
    kit.change('claude-direct', 'healthy', 'ejected');
    expect(kit.types()).toEqual([
      'opened:deployment:claude-direct-eu',
      'opened:provider:anthropic',
      'opened:deployment:claude-direct',
    ]);
    const provider = kit.detector.incident({ scope: 'provider', key: 'anthropic' })!;
    expect(provider).toMatchObject({ severity: 'critical', title: 'provider anthropic: 2 deployments failing' });
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-direct-eu' })).toMatchObject({
      parentId: provider.id,
      alerting: true,
    });
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })).toMatchObject({
      parentId: provider.id,
      alerting: false,
    });
  });

  it('groups by the providers a reload placed the deployments with', () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    // The reload moved claude-direct-eu to an OpenAI-compatible endpoint: it now fails with gpt-4o's provider.
    kit.detector.reconfigure(
      placements.map((placement) =>
        placement.id === 'claude-direct-eu' ? { ...placement, provider: 'openai' } : placement,
      ),
    );
    kit.change('claude-direct-eu', 'healthy', 'ejected');
    kit.change('gpt-4o', 'healthy', 'ejected');
    expect(kit.types()).toEqual([
      'opened:deployment:claude-direct-eu',
      'opened:provider:openai',
      'opened:deployment:gpt-4o',
    ]);
  });

  it('does not open a provider incident for one failing deployment', () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.change('claude-direct-eu', 'healthy', 'ejected');
    kit.change('gpt-4o', 'healthy', 'ejected');
    expect(kit.types()).toEqual(['opened:deployment:claude-direct-eu', 'opened:deployment:gpt-4o']);
  });

  it('resolves a parent only after its children, at the last recovery', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { resolvePeriodMs: 10_000 });
    kit.change('claude-direct', 'healthy', 'ejected');
    kit.change('claude-bedrock', 'healthy', 'ejected');
    kit.domain('anthropic-model-layer', 'degraded');
    await clock.advance(5_000);
    kit.change('claude-bedrock', 'ejected', 'healthy');
    kit.domain('anthropic-model-layer', 'healthy');
    await clock.advance(20_000);
    kit.tick();
    // The domain is healthy again, but claude-direct is still ejected: the domain incident stays open.
    expect(kit.types()).toEqual([
      'opened:deployment:claude-direct',
      'opened:deployment:claude-bedrock',
      'opened:domain:anthropic-model-layer',
      'resolved:deployment:claude-bedrock',
    ]);
    const lastRecovery = clock.now();
    kit.change('claude-direct', 'ejected', 'healthy');
    for (let second = 0; second < 10; second += 1) {
      await clock.advance(1_000);
      kit.tick();
    }
    expect(kit.types().slice(4)).toEqual([
      'resolved:deployment:claude-direct',
      'resolved:domain:anthropic-model-layer',
    ]);
    expect(kit.transitions.at(-1)!.incident.resolvedAt).toBe(lastRecovery);
  });
});
