import { describe, expect, it } from 'vitest';
import type { StateChange } from '../deployment-state.js';
import { DecisionLedger, shareableDecision } from './decision-ledger.js';

const change = (overrides: Partial<StateChange>): StateChange => ({
  kind: 'deployment',
  id: 'claude',
  from: 'healthy',
  to: 'ejected',
  reason: '5 consecutive failures',
  at: 1_000,
  origin: 'local',
  ...overrides,
});

describe('shareableDecision', () => {
  it('shares local decisions with their ejection figures', () => {
    expect(shareableDecision(change({ ejectedUntil: 6_000, ejectionCount: 1 }), 'a')).toEqual({
      replica: 'a',
      id: 'claude',
      to: 'ejected',
      reason: '5 consecutive failures',
      at: 1_000,
      ejectedUntil: 6_000,
      ejectionCount: 1,
    });
    expect(shareableDecision(change({ from: 'ejected', to: 'probing' }), 'a')?.to).toBe('probing');
    expect(shareableDecision(change({ from: 'probing', to: 'healthy' }), 'a')?.to).toBe('healthy');
    expect(shareableDecision(change({ from: 'isolated', to: 'healthy' }), 'a')?.to).toBe('healthy');
    expect(shareableDecision(change({ from: 'degraded', to: 'isolated' }), 'a')?.to).toBe('isolated');
  });

  it('never re-shares remote decisions, domain changes, or the degraded flips each replica derives', () => {
    expect(shareableDecision(change({ origin: 'remote' }), 'a')).toBeUndefined();
    expect(shareableDecision(change({ kind: 'domain', id: 'anthropic', to: 'degraded' }), 'a')).toBeUndefined();
    expect(shareableDecision(change({ to: 'degraded' }), 'a')).toBeUndefined();
    expect(shareableDecision(change({ from: 'degraded', to: 'healthy' }), 'a')).toBeUndefined();
  });
});

describe('DecisionLedger', () => {
  it('calls a decision superseded only when a strictly newer one is known for the same deployment', () => {
    const ledger = new DecisionLedger();
    expect(ledger.isSuperseded({ id: 'claude', at: 0 })).toBe(false);
    ledger.note('claude', 2_000);
    ledger.note('claude', 1_500); // an older one noted later does not move the mark back
    expect(ledger.isSuperseded({ id: 'claude', at: 1_999 })).toBe(true);
    expect(ledger.isSuperseded({ id: 'claude', at: 2_000 })).toBe(false);
    expect(ledger.isSuperseded({ id: 'gpt', at: 1 })).toBe(false);
  });

  it('keeps the latest unpublished decision per deployment and hands them out once, oldest first', () => {
    const ledger = new DecisionLedger();
    const decision = (id: string, to: 'ejected' | 'probing' | 'healthy', at: number) => ({
      replica: 'a',
      id,
      to,
      reason: 'r',
      at,
    });
    ledger.markUnpublished(decision('claude', 'probing', 6_000));
    ledger.markUnpublished(decision('claude', 'ejected', 1_000)); // a write failing late must not win
    ledger.markUnpublished(decision('gpt', 'ejected', 3_000));
    ledger.markUnpublished(decision('claude', 'healthy', 7_000));
    expect(ledger.takeUnpublished().map((entry) => `${entry.id}:${entry.to}`)).toEqual([
      'gpt:ejected',
      'claude:healthy',
    ]);
    expect(ledger.takeUnpublished()).toEqual([]);
  });
});
