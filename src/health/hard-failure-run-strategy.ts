// Ejects after a short run of hard failures (connection refused, 503, 529: the upstream is not serving
// at all) when traffic is thin. At one request every 4 s the 10 s window holds two or three requests,
// the adaptive run falls back to its prior and wants ~10 failures in a row, and every one of them is a
// client request that failed; a hard failure says more than a 500 or a timeout, so three in a row are
// enough there. At high traffic the adaptive run ejects within a fraction of a second anyway, and a
// 3-run would eject noisy deployments on ordinary streaks, so this strategy only judges runs whose
// failures are spread out in time (or a run as long as the adaptive strategy's maximum).
import { runIsInterleaved, type BreakerStrategy, type BreakerView } from './breaker-strategy.js';

export class HardFailureRunStrategy implements BreakerStrategy {
  constructor(
    readonly run = 3,
    /** Mean time between the run's failures from which traffic counts as thin. */
    readonly thinTrafficGapMs = 1_000,
    /** A run of hard failures this long ejects whatever the traffic. */
    readonly maximumRun = 20,
  ) {
    if (!(Number.isInteger(run) && run >= 1)) throw new RangeError(`run must be a positive integer, got ${run}`);
    if (!(thinTrafficGapMs >= 0)) throw new RangeError('thinTrafficGapMs must not be negative');
    if (!(maximumRun >= run)) throw new RangeError('maximumRun must be at least run');
  }

  shouldEject(view: BreakerView): string | undefined {
    const hard = view.consecutiveHardFailures ?? 0;
    if (hard < this.run || runIsInterleaved(view)) return undefined;
    if (hard >= this.maximumRun) return `${hard} hard failures in a row (connection refused, 503 or 529)`;
    const meanGapMs = hard < 2 ? Number.POSITIVE_INFINITY : (view.hardRunSpanMs ?? 0) / (hard - 1);
    if (meanGapMs < this.thinTrafficGapMs) return undefined;
    return `${hard} hard failures in a row (connection refused, 503 or 529) at low traffic`;
  }
}

/** Failures that say the upstream is not serving at all, as opposed to failing some requests. */
export function isHardFailure(kind: string, status: number | undefined): boolean {
  return kind === 'connect' || status === 503 || status === 529;
}
