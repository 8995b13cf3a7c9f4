// Failure domains through the tracker: a domain degrades when two of its members are ejected or
// failing, its members then go after every deployment outside it, and it recovers with them.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { StateChange } from './deployment-state.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { HealthTracker } from './health-tracker.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200 };
const down: AttemptOutcome = { kind: 'overloaded', latencyMs: 30, status: 529 };
const route = ['anthropic-claude', 'bedrock-claude', 'vertex-claude', 'openai-gpt'];

function setup(domainThreshold?: number) {
  const clock = new ManualClock();
  const tracker = new HealthTracker({
    deployments: [
      { id: 'anthropic-claude', domains: ['anthropic-model-layer'] },
      { id: 'bedrock-claude', domains: ['anthropic-model-layer', 'aws-us-east-1'] },
      { id: 'vertex-claude', domains: ['anthropic-model-layer', 'gcp-us-east5'] },
      { id: 'openai-gpt', domains: ['openai'] },
    ],
    clock,
    domainThreshold,
  });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  const send = async (id: string, outcomes: AttemptOutcome[]) => {
    for (const outcome of outcomes) {
      await clock.advance(50);
      tracker.record(id, outcome);
    }
  };
  const domain = (name: string) => tracker.snapshot().domains.find((entry) => entry.name === name)!;
  return { clock, tracker, changes, send, domain };
}

const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);

describe('HealthTracker failure domains', () => {
  it('degrades a domain when two members fail, orders its members last, and recovers', async () => {
    const { clock, tracker, changes, send, domain } = setup();
    expect(tracker.order(route)).toEqual(route);

    await send('anthropic-claude', [...times(20, ok), ...times(5, down)]);
    expect(domain('anthropic-model-layer')).toMatchObject({ state: 'healthy', affected: ['anthropic-claude'] });
    expect(tracker.order(route)).toEqual(['bedrock-claude', 'vertex-claude', 'openai-gpt']);

    // A second member starts failing: degraded, not yet ejected, and the domain goes down with it.
    await send('bedrock-claude', [...times(18, ok), down, down]);
    const degradedAt = clock.now();
    expect(domain('anthropic-model-layer')).toEqual({
      name: 'anthropic-model-layer',
      state: 'degraded',
      members: ['anthropic-claude', 'bedrock-claude', 'vertex-claude'],
      affected: ['anthropic-claude', 'bedrock-claude'],
      since: degradedAt,
    });
    // vertex-claude is healthy itself, but shares the failing model layer: after openai-gpt.
    expect(tracker.order(route)).toEqual(['openai-gpt', 'vertex-claude', 'bedrock-claude']);
    expect(changes.filter((change) => change.id === 'anthropic-model-layer')).toEqual([
      {
        kind: 'domain',
        id: 'anthropic-model-layer',
        from: 'healthy',
        to: 'degraded',
        reason: '2 of 3 members ejected or failing: anthropic-claude, bedrock-claude',
        at: degradedAt,
        origin: 'local',
      },
    ]);
    // The one-member domain of bedrock-claude is degraded too.
    expect(domain('aws-us-east-1').state).toBe('degraded');

    // Heal: bedrock's failures age out of the window and anthropic's ejection ends (probing): only
    // one member is affected now, so the domain recovers.
    await clock.advance(10_000);
    expect(tracker.order(route)).toEqual(['bedrock-claude', 'vertex-claude', 'openai-gpt', 'anthropic-claude']);
    expect(domain('anthropic-model-layer')).toMatchObject({
      state: 'healthy',
      affected: ['anthropic-claude'],
      since: clock.now(),
    });
    expect(tracker.admit('anthropic-claude')).toBe(true);
    tracker.record('anthropic-claude', ok);
    expect(tracker.order(route)).toEqual(route);
    expect(domain('anthropic-model-layer')).toMatchObject({ state: 'healthy', affected: [] });
    expect(changes.filter((change) => change.id === 'anthropic-model-layer').map((change) => change.to)).toEqual([
      'degraded',
      'healthy',
    ]);
  });

  it('recovers when fewer than the threshold of members are affected', async () => {
    const { clock, tracker, changes, send, domain } = setup();
    await send('anthropic-claude', [...times(20, ok), ...times(5, down)]);
    await send('vertex-claude', [...times(20, ok), ...times(5, down)]);
    expect(domain('anthropic-model-layer').state).toBe('degraded');
    expect(tracker.order(route)).toEqual(['openai-gpt', 'bedrock-claude']);

    await clock.advance(5_000);
    expect(tracker.order(route)).toEqual(['openai-gpt', 'bedrock-claude', 'anthropic-claude', 'vertex-claude']);
    expect(domain('anthropic-model-layer')).toMatchObject({
      state: 'degraded',
      affected: ['anthropic-claude', 'vertex-claude'],
    });
    tracker.admit('anthropic-claude');
    tracker.record('anthropic-claude', ok);
    expect(domain('anthropic-model-layer')).toMatchObject({ state: 'healthy', affected: ['vertex-claude'] });
    expect(tracker.order(route)).toEqual(['anthropic-claude', 'bedrock-claude', 'openai-gpt', 'vertex-claude']);
    expect(changes.filter((change) => change.kind === 'domain').map((change) => `${change.id}:${change.to}`)).toEqual([
      'anthropic-model-layer:degraded',
      'gcp-us-east5:degraded',
      'anthropic-model-layer:healthy',
    ]);
  });

  it('does not count an isolated member as failing', async () => {
    const { tracker, domain } = setup();
    tracker.isolate('anthropic-claude');
    tracker.isolate('bedrock-claude');
    expect(domain('anthropic-model-layer')).toMatchObject({ state: 'healthy', affected: [] });
    expect(tracker.order(route)).toEqual(['vertex-claude', 'openai-gpt']);
  });

  it('uses the configured threshold', async () => {
    const { send, domain } = setup(3);
    await send('anthropic-claude', [...times(20, ok), ...times(5, down)]);
    await send('bedrock-claude', [...times(20, ok), ...times(5, down)]);
    expect(domain('anthropic-model-layer').state).toBe('healthy');
    await send('vertex-claude', [...times(20, ok), ...times(5, down)]);
    expect(domain('anthropic-model-layer').state).toBe('degraded');
  });

  it('brings co-members up to date before ordering (a member that healed while nobody looked)', async () => {
    const { clock, tracker, send, domain } = setup();
    await send('anthropic-claude', [...times(18, ok), down, down]); // degraded
    await send('bedrock-claude', [...times(18, ok), down, down]); // degraded
    expect(domain('anthropic-model-layer').state).toBe('degraded');
    await clock.advance(10_000); // both windows are empty now, but nobody has asked either of them
    expect(tracker.order(['vertex-claude', 'openai-gpt'])).toEqual(['vertex-claude', 'openai-gpt']);
    expect(domain('anthropic-model-layer').state).toBe('healthy');
  });
});
