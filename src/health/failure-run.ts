// The current run of upstream-origin failures of one deployment, and how often it failed just before
// the run began. The second figure is what lets a breaker tell "a healthy deployment suddenly fails
// every call" (eject after a short run) from "a deployment that always fails 30% of calls had an
// ordinary streak" (do not eject). It is an exponentially weighted rate over roughly the last 10-20
// judged outcomes, so it follows a change in the error rate within a second or two of traffic.

export const defaultRunSmoothing = 0.1;

/** How many of the latest admits a run is compared with. */
const rememberedAdmits = 512;

export class FailureRun {
  /** Upstream-origin failures since the last success. */
  consecutiveFailures = 0;
  /** The trailing part of the run made of hard failures only (connection refused, 503, 529). */
  consecutiveHardFailures = 0;
  /** When the first and the last of those hard failures were recorded. */
  private hardRunFirstAt = 0;
  private hardRunLastAt = 0;
  /** The weighted failure rate as it stood at the last success, i.e. before the current run. */
  failureRateBeforeRun = 0;
  private recentFailureRate = 0;
  /** When the attempt that began the current run started; undefined when there is no run. */
  private runStartedAt: number | undefined;
  /** When recent attempts were admitted (newest last, bounded), to tell a run from interleaving. */
  private readonly admits: number[] = [];

  constructor(private readonly smoothing = defaultRunSmoothing) {}

  /**
   * A success ends the run only if its attempt started after the run began. Slow requests that were
   * already in flight when a deployment went down keep finishing for a while; judged by when they
   * end they would break every run and teach the breaker that the deployment "usually" fails half
   * its calls, delaying the ejection of a dead deployment by seconds.
   */
  recordSuccess(startedAt?: number): void {
    if (this.runStartedAt !== undefined && startedAt !== undefined && startedAt < this.runStartedAt) return;
    this.recentFailureRate *= 1 - this.smoothing;
    this.failureRateBeforeRun = this.recentFailureRate;
    this.consecutiveFailures = 0;
    this.consecutiveHardFailures = 0;
    this.runStartedAt = undefined;
  }

  recordFailure(startedAt?: number, hard = false, at = 0): void {
    this.recentFailureRate = this.recentFailureRate * (1 - this.smoothing) + this.smoothing;
    this.consecutiveFailures += 1;
    this.consecutiveHardFailures = hard ? this.consecutiveHardFailures + 1 : 0;
    if (this.consecutiveHardFailures === 1) this.hardRunFirstAt = at;
    this.hardRunLastAt = at;
    if (this.runStartedAt === undefined) this.runStartedAt = startedAt ?? Number.NEGATIVE_INFINITY;
    else if (startedAt !== undefined && startedAt < this.runStartedAt) this.runStartedAt = startedAt;
  }

  /**
   * Takes the fleet's run (kept in Redis across replicas) when it is longer than this replica's own.
   * Returns whether anything changed. The run's start stays this replica's: it only knows its own admits.
   */
  adoptFleetRun(consecutiveFailures: number, consecutiveHardFailures: number, at = 0): boolean {
    if (!(consecutiveFailures > this.consecutiveFailures)) return false;
    this.consecutiveFailures = consecutiveFailures;
    const hard = Math.max(this.consecutiveHardFailures, Math.min(consecutiveHardFailures, consecutiveFailures));
    // Hard failures this replica did not see have no times here: the run's span starts now, so it never
    // reads as thin traffic from a first failure long ago (or from time zero).
    if (hard > this.consecutiveHardFailures && this.consecutiveHardFailures === 0) this.hardRunFirstAt = at;
    if (hard > this.consecutiveHardFailures) this.hardRunLastAt = Math.max(this.hardRunLastAt, at);
    this.consecutiveHardFailures = hard;
    this.runStartedAt ??= Number.NEGATIVE_INFINITY;
    return true;
  }

  /** Time between the first and the last hard failure of the current run (0 for fewer than two). */
  hardRunSpanMs(): number {
    return this.consecutiveHardFailures < 2 ? 0 : this.hardRunLastAt - this.hardRunFirstAt;
  }

  /** Notes that an attempt was admitted at `at` (it starts right away). */
  noteAdmit(at: number): void {
    this.admits.push(at);
    // Trimmed in halves, not by one per admit: every request admits, and a shift moves the whole array.
    if (this.admits.length > 2 * rememberedAdmits) this.admits.splice(0, this.admits.length - rememberedAdmits);
  }

  /** The latest admit was not followed by an attempt after all. */
  forgetLastAdmit(): void {
    this.admits.pop();
  }

  /**
   * Attempts admitted since the current run began, or undefined when there is no run or no admit was
   * ever noted. More admits than failures means attempts started during the run are still out (or
   * succeeded slowly): the failures are interleaved with other outcomes, not a run of their own.
   */
  attemptsSinceRunStart(): number | undefined {
    if (this.runStartedAt === undefined || this.admits.length === 0) return undefined;
    let count = 0;
    const oldest = Math.max(0, this.admits.length - rememberedAdmits);
    for (let index = this.admits.length - 1; index >= oldest && this.admits[index]! >= this.runStartedAt; index -= 1)
      count += 1;
    return count;
  }

  /** Ends the current run (readmission); the memory of the usual failure rate is kept on purpose. */
  endRun(): void {
    this.consecutiveFailures = 0;
    this.consecutiveHardFailures = 0;
    this.runStartedAt = undefined;
  }
}
