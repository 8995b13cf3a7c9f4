import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { orderCandidates, type CandidateStatus } from './candidate-order.js';

const status = (
  id: string,
  group: CandidateStatus['group'],
  extra: Partial<CandidateStatus> = {},
): CandidateStatus => ({
  id,
  group,
  inDegradedDomain: false,
  availableAt: undefined,
  ...extra,
});

describe('orderCandidates', () => {
  it('puts healthy before degraded before probing, keeping the given order within each group', () => {
    const order = orderCandidates([
      status('probing-1', 'probing'),
      status('degraded-1', 'degraded'),
      status('healthy-1', 'healthy'),
      status('ejected-1', 'excluded', { availableAt: 5 }),
      status('degraded-2', 'degraded'),
      status('healthy-2', 'healthy'),
    ]);
    expect(order).toEqual({
      ids: ['healthy-1', 'healthy-2', 'degraded-1', 'degraded-2', 'probing-1'],
      panic: undefined,
    });
  });

  it('puts members of a degraded domain after every deployment outside one', () => {
    const order = orderCandidates([
      status('bedrock-claude', 'healthy', { inDegradedDomain: true }),
      status('anthropic-claude', 'healthy', { inDegradedDomain: true }),
      status('openai-probing', 'probing'),
      status('openai-gpt', 'degraded'),
    ]);
    expect(order.ids).toEqual(['openai-gpt', 'openai-probing', 'bedrock-claude', 'anthropic-claude']);
  });

  it('in panic returns the excluded one that becomes available first, never an isolated one', () => {
    const order = orderCandidates([
      status('isolated', 'excluded'),
      status('late', 'excluded', { availableAt: 2_000 }),
      status('early', 'excluded', { availableAt: 1_000 }),
      status('also-early', 'excluded', { availableAt: 1_000 }),
    ]);
    expect(order).toEqual({ ids: ['early'], panic: 'early' });
    expect(orderCandidates([status('isolated', 'excluded')])).toEqual({ ids: [], panic: undefined });
    expect(orderCandidates([])).toEqual({ ids: [], panic: undefined });
  });

  it('returns each id once', () => {
    expect(orderCandidates([status('a', 'healthy'), status('a', 'healthy'), status('b', 'degraded')]).ids).toEqual([
      'a',
      'b',
    ]);
  });

  it('is a permutation of the non-excluded candidates, or a single panic pick', () => {
    const group = fc.constantFrom<CandidateStatus['group']>('healthy', 'degraded', 'probing', 'excluded');
    const candidate = fc.record({
      group,
      inDegradedDomain: fc.boolean(),
      availableAt: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 8 }), (drafts) => {
        const candidates = drafts.map((draft, index) => ({ id: `d${index}`, ...draft }));
        const { ids, panic } = orderCandidates(candidates);
        const included = candidates
          .filter((candidate) => candidate.group !== 'excluded')
          .map((candidate) => candidate.id);
        if (included.length > 0) {
          expect([...ids].sort()).toEqual([...included].sort());
          expect(panic).toBeUndefined();
        } else if (candidates.some((candidate) => candidate.availableAt !== undefined)) {
          expect(ids).toEqual([panic]);
        } else {
          expect(ids).toEqual([]);
        }
      }),
    );
  });
});
