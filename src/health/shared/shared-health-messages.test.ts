import { describe, expect, it } from 'vitest';
import { emptyBucketCounts } from '../bucket-counts.js';
import {
  encodeCountsMessage,
  encodeDecision,
  parseCountsMessage,
  parseDecision,
  type SharedDecision,
} from './shared-health-messages.js';

const counts = {
  attempts: 4,
  successes: 2,
  failures: 1,
  failuresByKind: { overloaded: 1, 'client-aborted': 1 },
  latency: { 30: 2 },
  timeToFirstToken: { 25: 2 },
};

describe('counts messages', () => {
  it('round-trip', () => {
    const deltas = [{ id: 'claude', bucketStartMs: 1_700_000_000_000, counts }];
    expect(parseCountsMessage(encodeCountsMessage('replica-a', deltas))).toEqual({ replica: 'replica-a', deltas });
  });

  it('are ignored whole when anything does not match, so nothing odd reaches the window', () => {
    const message = (delta: object, extra: object = {}) =>
      JSON.stringify({ v: 1, replica: 'b', deltas: [delta], ...extra });
    const valid = { id: 'claude', bucketStartMs: 1_000, counts };
    expect(parseCountsMessage(message(valid))).toBeDefined();
    expect(parseCountsMessage(message(valid, { v: 2 }))).toBeUndefined();
    expect(parseCountsMessage(message(valid, { replica: '' }))).toBeUndefined();
    expect(parseCountsMessage('not json')).toBeUndefined();
    expect(parseCountsMessage(message({ ...valid, bucketStartMs: 'soon' }))).toBeUndefined();
    expect(parseCountsMessage(message({ ...valid, counts: { ...counts, failures: -1 } }))).toBeUndefined();
    expect(parseCountsMessage(message({ ...valid, counts: { ...counts, attempts: '4' } }))).toBeUndefined();
    // A string count would be concatenated, not added, by the histogram merge.
    expect(parseCountsMessage(message({ ...valid, counts: { ...counts, latency: { 30: '2' } } }))).toBeUndefined();
    expect(parseCountsMessage(message({ ...valid, counts: { ...counts, latency: { 9999: 2 } } }))).toBeUndefined();
    expect(
      parseCountsMessage(message({ ...valid, counts: { ...counts, failuresByKind: { meltdown: 1 } } })),
    ).toBeUndefined();
  });

  it('accept counts without the optional maps', () => {
    const bare = { attempts: 1, successes: 1, failures: 0 };
    const parsed = parseCountsMessage(
      JSON.stringify({ v: 1, replica: 'b', deltas: [{ id: 'x', bucketStartMs: 0, counts: bare }] }),
    );
    expect(parsed?.deltas[0]?.counts).toEqual({ ...emptyBucketCounts(), attempts: 1, successes: 1 });
  });
});

describe('decisions', () => {
  const decision: SharedDecision = {
    replica: 'a',
    id: 'claude',
    to: 'ejected',
    reason: '5 consecutive failures',
    at: 1_000,
    ejectedUntil: 6_000,
    ejectionCount: 1,
  };

  it('round-trip, with and without the ejection figures', () => {
    expect(parseDecision(encodeDecision(decision))).toEqual(decision);
    const readmission: SharedDecision = {
      replica: 'a',
      id: 'claude',
      to: 'healthy',
      reason: 'trial request succeeded',
      at: 7_000,
    };
    expect(parseDecision(encodeDecision(readmission))).toEqual(readmission);
  });

  it('reject unknown states, bad times and counts, and cap long reasons', () => {
    const text = (overrides: object) => JSON.stringify({ v: 1, ...decision, ...overrides });
    expect(parseDecision(text({ to: 'melted' }))).toBeUndefined();
    expect(parseDecision(text({ at: null }))).toBeUndefined();
    expect(parseDecision(text({ ejectedUntil: 'later' }))).toBeUndefined();
    expect(parseDecision(text({ ejectionCount: 0 }))).toBeUndefined();
    expect(parseDecision(text({ id: 7 }))).toBeUndefined();
    expect(parseDecision(JSON.stringify(decision))).toBeUndefined(); // no format version
    expect(parseDecision(text({ reason: 'x'.repeat(10_000) }))?.reason).toHaveLength(500);
  });
});
