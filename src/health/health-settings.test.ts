import { describe, expect, it } from 'vitest';
import { defaultHealthSettings, resolveHealthSettings } from './health-settings.js';

describe('resolveHealthSettings', () => {
  it('starts from the defaults', () => {
    expect(resolveHealthSettings()).toEqual({ ...defaultHealthSettings });
    expect(defaultHealthSettings).toMatchObject({
      windowMs: 10_000,
      bucketMs: 1_000,
      consecutiveFailures: 5,
      ejectionFailureRate: 0.5,
      degradedFailureRate: 0.1,
      baseEjectionMs: 5_000,
      maxEjectionMs: 120_000,
      ejectionDecayMs: 60_000,
      probeTrials: 1,
    });
  });

  it('lets later layers win, but an explicit undefined does not erase an earlier value', () => {
    const settings = resolveHealthSettings(
      { latencyP95ThresholdMs: 2_000, probeTrials: 2 },
      { probeTrials: 3, latencyP95ThresholdMs: undefined },
    );
    expect(settings.probeTrials).toBe(3);
    expect(settings.latencyP95ThresholdMs).toBe(2_000);
  });

  it('refuses impossible settings with the name of the setting', () => {
    expect(() => resolveHealthSettings({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => resolveHealthSettings({ ejectionFailureRate: 1.2 })).toThrow(/ejectionFailureRate/);
    expect(() => resolveHealthSettings({ consecutiveFailures: 30 })).toThrow(/maximumConsecutiveFailures/);
    expect(() => resolveHealthSettings({ bucketMs: 20_000 })).toThrow(/bucketMs/);
    expect(() => resolveHealthSettings({ maxEjectionMs: 1_000 })).toThrow(/maxEjectionMs/);
    expect(() => resolveHealthSettings({ latencyP95ThresholdMs: -1 })).toThrow(/latencyP95ThresholdMs/);
  });
});
