// When each fault was active, kept from the simulator's start: the simulated status pages derive
// their components' states from it (a page shows a fault only after it lasted the page's lag, and
// keeps showing it for the lag after it ended), so the answer is a pure function of the clock and no
// timer has to flip a component at the right moment.
import type { Clock } from '../util/clock.js';
import type { Fault } from './fault-spec.js';
import { compileTarget, type FaultRegistry, type FaultTargetMatcher } from './fault-registry.js';

export interface FaultInterval {
  fault: Fault;
  matches: FaultTargetMatcher;
  from: number;
  /** When it stopped: removed, or expired (its durationMs); Infinity while it is still active. */
  until: number;
}

/** Intervals that ended longer ago than this are forgotten. */
const retentionMs = 24 * 60 * 60_000;
const maximumIntervals = 2_000;

export class FaultHistory {
  private intervals: FaultInterval[] = [];
  private readonly detach: () => void;

  constructor(
    faults: FaultRegistry,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    for (const fault of faults.list()) this.added(fault);
    this.detach = faults.onChange((change) => {
      if (change.type === 'added') this.added(change.fault);
      else this.removed(change.fault, change.at);
    });
  }

  /** Intervals that began at or before `now` (all of them, oldest first). */
  intervalsUntil(now: number): FaultInterval[] {
    return this.intervals.filter((interval) => interval.from <= now);
  }

  close(): void {
    this.detach();
  }

  private added(fault: Fault): void {
    this.prune();
    this.intervals.push({
      fault,
      matches: compileTarget(fault.target),
      from: fault.createdAt,
      until: fault.expiresAt ?? Number.POSITIVE_INFINITY,
    });
  }

  private removed(fault: Fault, at: number): void {
    // The newest interval of that id that is still running: an id may be reused after it ended.
    for (let index = this.intervals.length - 1; index >= 0; index -= 1) {
      const interval = this.intervals[index]!;
      if (interval.fault.id === fault.id && interval.fault.createdAt === fault.createdAt) {
        interval.until = Math.min(interval.until, at);
        return;
      }
    }
  }

  private prune(): void {
    const cutoff = this.clock.now() - retentionMs;
    this.intervals = this.intervals.filter((interval) => interval.until >= cutoff);
    if (this.intervals.length >= maximumIntervals) this.intervals = this.intervals.slice(-maximumIntervals + 1);
  }
}
