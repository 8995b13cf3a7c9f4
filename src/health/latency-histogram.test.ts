import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addSample,
  histogramIndex,
  histogramMaxIndex,
  histogramPercentiles,
  histogramQuantile,
  histogramTotal,
  mergeHistogram,
  type LatencyHistogram,
} from './latency-histogram.js';

function exactQuantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('latency histogram', () => {
  it('is empty until a sample arrives', () => {
    expect(histogramPercentiles({})).toBeUndefined();
    expect(histogramTotal({})).toBe(0);
  });

  it('puts sub-millisecond, negative and NaN samples in the first bucket and huge ones in the last', () => {
    expect(histogramIndex(0)).toBe(0);
    expect(histogramIndex(-5)).toBe(0);
    expect(histogramIndex(Number.NaN)).toBe(0);
    expect(histogramIndex(1e12)).toBe(histogramMaxIndex);
  });

  it('finds percentiles within 10% of the exact value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 600_000 }), { minLength: 1, maxLength: 300 }), (samples) => {
        const histogram: LatencyHistogram = {};
        for (const sample of samples) addSample(histogram, sample);
        for (const q of [0.5, 0.95, 0.99]) {
          const exact = exactQuantile(samples, q);
          const estimate = histogramQuantile(histogram, q)!;
          // Half a bucket (2^(1/8) ≈ 9%) plus the rounding to whole milliseconds.
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.091 * exact + 0.5);
        }
      }),
    );
  });

  it('separates a slow tail from the median', () => {
    const histogram: LatencyHistogram = {};
    for (let index = 0; index < 90; index += 1) addSample(histogram, 200);
    for (let index = 0; index < 10; index += 1) addSample(histogram, 5_000);
    const percentiles = histogramPercentiles(histogram)!;
    expect(percentiles.p50).toBeGreaterThan(180);
    expect(percentiles.p50).toBeLessThan(220);
    expect(percentiles.p95).toBeGreaterThan(4_500);
    expect(percentiles.p99).toBeGreaterThan(4_500);
  });

  it('merges by adding counts, the same as recording every sample in one histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 })),
        fc.array(fc.integer({ min: 0, max: 100_000 })),
        (a, b) => {
          const left: LatencyHistogram = {};
          const right: LatencyHistogram = {};
          const both: LatencyHistogram = {};
          for (const sample of a) addSample(left, sample);
          for (const sample of b) addSample(right, sample);
          for (const sample of [...a, ...b]) addSample(both, sample);
          mergeHistogram(left, JSON.parse(JSON.stringify(right)) as LatencyHistogram);
          expect(histogramTotal(left)).toBe(a.length + b.length);
          expect(histogramPercentiles(left)).toEqual(histogramPercentiles(both));
        },
      ),
    );
  });

  it('ignores malformed entries when merging (they may come from another replica)', () => {
    const histogram: LatencyHistogram = {};
    mergeHistogram(histogram, { 3: 2, [-1]: 5, 9999: 5, 4: Number.NaN } as LatencyHistogram);
    expect(histogram).toEqual({ 3: 2 });
  });
});
