import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { StateChange } from './deployment-state.js';
import { FailureDomains, requiredAffected } from './failure-domains.js';

describe('requiredAffected', () => {
  it('is the threshold, or every member of a smaller domain', () => {
    expect(requiredAffected(5, 2)).toBe(2);
    expect(requiredAffected(2, 2)).toBe(2);
    expect(requiredAffected(1, 2)).toBe(1);
    expect(requiredAffected(4, 3)).toBe(3);
  });
});

describe('FailureDomains', () => {
  function setup(threshold?: number) {
    const clock = new ManualClock();
    const changes: StateChange[] = [];
    const domains = new FailureDomains(clock, threshold, (change) => changes.push(change));
    domains.addMember('anthropic', ['anthropic-model-layer']);
    domains.addMember('bedrock', ['anthropic-model-layer', 'aws-us-east-1']);
    domains.addMember('vertex', ['anthropic-model-layer']);
    return { clock, domains, changes };
  }

  it('degrades a domain when the threshold of members is affected and recovers below it', async () => {
    const { clock, domains, changes } = setup();
    const affected = new Set<string>(['anthropic']);
    domains.evaluate('anthropic-model-layer', (id) => affected.has(id));
    expect(domains.isDegraded('anthropic-model-layer')).toBe(false);

    affected.add('bedrock');
    await clock.advance(100);
    domains.evaluate('anthropic-model-layer', (id) => affected.has(id));
    expect(domains.isDegraded('anthropic-model-layer')).toBe(true);
    expect(changes).toEqual([
      {
        kind: 'domain',
        id: 'anthropic-model-layer',
        from: 'healthy',
        to: 'degraded',
        reason: '2 of 3 members ejected or failing: anthropic, bedrock',
        at: clock.now(),
        origin: 'local',
      },
    ]);

    affected.delete('anthropic');
    domains.evaluate('anthropic-model-layer', (id) => affected.has(id));
    expect(domains.isDegraded('anthropic-model-layer')).toBe(false);
    expect(changes.at(-1)).toMatchObject({ from: 'degraded', to: 'healthy' });
    expect(changes).toHaveLength(2);
  });

  it('degrades a one-member domain when that member is affected', () => {
    const { domains } = setup();
    domains.evaluate('aws-us-east-1', (id) => id === 'bedrock');
    expect(domains.isDegraded('aws-us-east-1')).toBe(true);
  });

  it('shows members, affected members and since in the snapshot', () => {
    const { clock, domains } = setup();
    domains.evaluate('anthropic-model-layer', () => true);
    expect(domains.snapshot()).toEqual([
      {
        name: 'anthropic-model-layer',
        state: 'degraded',
        members: ['anthropic', 'bedrock', 'vertex'],
        affected: ['anthropic', 'bedrock', 'vertex'],
        since: clock.now(),
      },
      { name: 'aws-us-east-1', state: 'healthy', members: ['bedrock'], affected: [], since: clock.now() },
    ]);
  });

  it('refuses a threshold below 1', () => {
    expect(() => new FailureDomains(new ManualClock(), 0)).toThrow(RangeError);
  });
});
