// A small fixed log-scale histogram for latency and time-to-first-token samples. Four buckets per
// doubling from 1 ms to 2^20 ms (~17 min): percentiles come out within ~9% of the true value without
// storing samples, and two histograms merge by adding counts, which is what lets replicas share them.
// Sparse (bucket index → count) so that a mostly empty histogram stays small on the wire.

export type LatencyHistogram = Record<number, number>;

export const histogramBucketsPerDoubling = 4;
/** Highest bucket index; slower samples are counted in it. */
export const histogramMaxIndex = 20 * histogramBucketsPerDoubling;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function histogramIndex(ms: number): number {
  if (!(ms >= 1)) return 0; // also catches NaN and negative values
  const index = Math.floor(histogramBucketsPerDoubling * Math.log2(ms));
  return Math.min(histogramMaxIndex, index);
}

/** The value a bucket stands for: its geometric midpoint. */
export function histogramBucketValue(index: number): number {
  return 2 ** ((index + 0.5) / histogramBucketsPerDoubling);
}

export function addSample(histogram: LatencyHistogram, ms: number): void {
  const index = histogramIndex(ms);
  histogram[index] = (histogram[index] ?? 0) + 1;
}

export function mergeHistogram(into: LatencyHistogram, from: Readonly<LatencyHistogram>): void {
  for (const [key, count] of Object.entries(from)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index > histogramMaxIndex || !(count > 0)) continue;
    into[index] = (into[index] ?? 0) + count;
  }
}

export function histogramTotal(histogram: Readonly<LatencyHistogram>): number {
  let total = 0;
  for (const count of Object.values(histogram)) total += count;
  return total;
}

/** The q-quantile (0 < q ≤ 1), rounded to whole milliseconds; undefined for an empty histogram. */
export function histogramQuantile(histogram: Readonly<LatencyHistogram>, q: number): number | undefined {
  const entries = Object.entries(histogram)
    .map(([key, count]) => [Number(key), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [index, count] of entries) {
    seen += count;
    if (seen >= rank) return Math.round(histogramBucketValue(index));
  }
  return Math.round(histogramBucketValue(entries[entries.length - 1]![0]));
}

export function histogramPercentiles(histogram: Readonly<LatencyHistogram>): Percentiles | undefined {
  const p50 = histogramQuantile(histogram, 0.5);
  if (p50 === undefined) return undefined;
  return { p50, p95: histogramQuantile(histogram, 0.95)!, p99: histogramQuantile(histogram, 0.99)! };
}
