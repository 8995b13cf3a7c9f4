// The p50 / p95 / p99 of the last samples of one figure a deployment shows (time to first token of
// streams, time to a whole non-streaming answer), kept in a ring and recomputed at most every 250 ms:
// what hedging, the adaptive limits and hang suspicion compare a waiting attempt with.
import type { Percentiles } from './latency-histogram.js';

/** Samples needed before anything counts as learned. */
export const learnedMinimumSamples = 5;
/** The learned figures are the percentiles of the last this-many samples. */
const sampleCount = 200;
/** Percentiles are recomputed at most this often (a sort of at most sampleCount numbers). */
const relearnIntervalMs = 250;

export class LearnedPercentiles {
  private readonly samples: number[] = [];
  private nextSample = 0;
  private learned: Percentiles | undefined;
  private learnedAt = Number.NEGATIVE_INFINITY;
  private samplesChanged = false;

  add(sampleMs: number): void {
    if (this.samples.length < sampleCount) this.samples.push(sampleMs);
    else this.samples[this.nextSample] = sampleMs;
    this.nextSample = (this.nextSample + 1) % sampleCount;
    this.samplesChanged = true;
  }

  /** The percentiles, or undefined until enough samples came; kept when none come (a hung deployment sends none). */
  figures(now: number): Percentiles | undefined {
    // Throttled once something is learned; until then every new sample may be the one that completes it.
    if (this.samplesChanged && (this.learned === undefined || now - this.learnedAt >= relearnIntervalMs)) {
      this.learnedAt = now;
      this.samplesChanged = false;
      if (this.samples.length >= learnedMinimumSamples) {
        const sorted = [...this.samples].sort((a, b) => a - b);
        const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
        this.learned = { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
      }
    }
    return this.learned;
  }

  /** The figures as last computed, without recomputing. */
  get last(): Percentiles | undefined {
    return this.learned;
  }
}
