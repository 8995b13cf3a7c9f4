// Behaviour specific to each strategy; the invariants every strategy shares are in
// test/conformance/breaker-strategy.case.ts.
import { describe, expect, it } from 'vitest';
import { AdaptiveConsecutiveFailuresStrategy } from './adaptive-consecutive-failures-strategy.js';
import type { BreakerView } from './breaker-strategy.js';
import { ConsecutiveFailuresStrategy } from './consecutive-failures-strategy.js';
import { FailureRateStrategy } from './failure-rate-strategy.js';

function view(figures: Partial<BreakerView>): BreakerView {
  const requests = figures.requests ?? 0;
  const failures = figures.failures ?? 0;
  return {
    attempts: requests,
    requests,
    successes: requests - failures,
    failures,
    failureRate: requests === 0 ? 0 : failures / requests,
    failuresByKind: {},
    latency: undefined,
    latencySamples: 0,
    timeToFirstToken: undefined,
    timeToFirstTokenSamples: 0,
    consecutiveFailures: 0,
    failureRateBeforeRun: 0,
    ...figures,
  };
}

describe('ConsecutiveFailuresStrategy', () => {
  it('ejects at the threshold and not before', () => {
    const strategy = new ConsecutiveFailuresStrategy(5);
    expect(strategy.shouldEject(view({ requests: 4, failures: 4, consecutiveFailures: 4 }))).toBeUndefined();
    expect(strategy.shouldEject(view({ requests: 5, failures: 5, consecutiveFailures: 5 }))).toBe(
      '5 consecutive failures',
    );
  });

  it('refuses a threshold below 1', () => {
    expect(() => new ConsecutiveFailuresStrategy(0)).toThrow(RangeError);
  });
});

describe('FailureRateStrategy', () => {
  it('needs the minimum number of requests', () => {
    const strategy = new FailureRateStrategy(0.5, 40);
    expect(strategy.shouldEject(view({ requests: 39, failures: 39 }))).toBeUndefined();
    expect(strategy.shouldEject(view({ requests: 40, failures: 20 }))).toBe('failure rate 50% over 40 requests');
    expect(strategy.shouldEject(view({ requests: 40, failures: 19 }))).toBeUndefined();
  });

  it('refuses thresholds outside (0, 1]', () => {
    expect(() => new FailureRateStrategy(0, 10)).toThrow(RangeError);
    expect(() => new FailureRateStrategy(1.5, 10)).toThrow(RangeError);
    expect(() => new FailureRateStrategy(0.5, 0)).toThrow(RangeError);
  });
});

describe('AdaptiveConsecutiveFailuresStrategy', () => {
  const strategy = new AdaptiveConsecutiveFailuresStrategy(5, 20, 1e-6);

  it('ejects a deployment that usually succeeds after the minimum run', () => {
    // 200 successes, then 5 failures: a healthy deployment gone hard down.
    expect(strategy.shouldEject(view({ requests: 205, failures: 5, consecutiveFailures: 5 }))).toBe(
      '5 consecutive failures',
    );
    expect(strategy.shouldEject(view({ requests: 204, failures: 4, consecutiveFailures: 4 }))).toBeUndefined();
  });

  it('asks a deployment that usually fails 30% of calls for a run of 12', () => {
    // 140 successes and 60 failures before the run.
    const before = { requests: 200, failures: 60 };
    const afterRun = (run: number) =>
      view({
        requests: before.requests + run,
        failures: before.failures + run,
        consecutiveFailures: run,
        failureRateBeforeRun: 0.3,
      });
    expect(strategy.requiredRun(strategy.usualFailureRate(afterRun(5)))).toBe(12);
    expect(strategy.shouldEject(afterRun(11))).toBeUndefined();
    expect(strategy.shouldEject(afterRun(12))).toMatch(
      /^12 consecutive failures \(at a usual failure rate of 30(\.\d)?%, 12 were needed\)$/,
    );
  });

  it('uses the recent failure rate when it is higher than the window one (an error rate that just rose)', () => {
    const risen = view({ requests: 205, failures: 5, consecutiveFailures: 5, failureRateBeforeRun: 0.3 });
    expect(strategy.shouldEject(risen)).toBeUndefined();
  });

  it('reads an empty window as unknown, not as perfect: a fresh deployment needs 10', () => {
    expect(
      strategy.requiredRun(strategy.usualFailureRate(view({ requests: 9, failures: 9, consecutiveFailures: 9 }))),
    ).toBe(10);
    expect(strategy.shouldEject(view({ requests: 9, failures: 9, consecutiveFailures: 9 }))).toBeUndefined();
    expect(strategy.shouldEject(view({ requests: 10, failures: 10, consecutiveFailures: 10 }))).toBeDefined();
  });

  it('never asks for more than the maximum', () => {
    expect(strategy.requiredRun(0.9)).toBe(20);
    expect(strategy.requiredRun(1)).toBe(20);
    expect(strategy.requiredRun(0)).toBe(5);
  });

  it('with minimum = maximum it is a fixed threshold', () => {
    const fixed = new AdaptiveConsecutiveFailuresStrategy(5, 5);
    expect(
      fixed.shouldEject(view({ requests: 100, failures: 60, consecutiveFailures: 5, failureRateBeforeRun: 0.5 })),
    ).toBeDefined();
  });

  it('refuses inconsistent settings', () => {
    expect(() => new AdaptiveConsecutiveFailuresStrategy(0)).toThrow(RangeError);
    expect(() => new AdaptiveConsecutiveFailuresStrategy(5, 4)).toThrow(RangeError);
    expect(() => new AdaptiveConsecutiveFailuresStrategy(5, 20, 0)).toThrow(RangeError);
  });
});
