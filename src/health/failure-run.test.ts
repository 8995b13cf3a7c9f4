import { describe, expect, it } from 'vitest';
import { FailureRun } from './failure-run.js';

describe('FailureRun', () => {
  it('counts failures since the last success', () => {
    const run = new FailureRun();
    run.recordFailure();
    run.recordFailure();
    expect(run.consecutiveFailures).toBe(2);
    run.recordSuccess();
    expect(run.consecutiveFailures).toBe(0);
  });

  it('remembers the recent failure rate as it stood before the current run', () => {
    const run = new FailureRun(0.1);
    for (let index = 0; index < 100; index += 1) {
      if (index % 10 < 3) run.recordFailure();
      else run.recordSuccess();
    }
    const before = run.failureRateBeforeRun;
    expect(before).toBeGreaterThan(0.15);
    expect(before).toBeLessThan(0.4);
    for (let index = 0; index < 8; index += 1) run.recordFailure();
    expect(run.failureRateBeforeRun).toBe(before); // the run itself does not raise the bar it is judged by
  });

  it('starts at zero and stays there with only successes', () => {
    const run = new FailureRun();
    for (let index = 0; index < 50; index += 1) run.recordSuccess();
    expect(run.failureRateBeforeRun).toBe(0);
  });

  it('endRun clears the run but keeps the memory of the usual rate', () => {
    const run = new FailureRun(0.5);
    run.recordFailure();
    run.recordSuccess();
    const before = run.failureRateBeforeRun;
    run.recordFailure();
    run.endRun();
    expect(run.consecutiveFailures).toBe(0);
    expect(run.failureRateBeforeRun).toBe(before);
  });
});
