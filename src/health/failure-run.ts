// The current run of upstream-origin failures of one deployment, and how often it failed just before
// the run began. The second figure is what lets a breaker tell "a healthy deployment suddenly fails
// every call" (eject after a short run) from "a deployment that always fails 30% of calls had an
// ordinary streak" (do not eject). It is an exponentially weighted rate over roughly the last 10-20
// judged outcomes, so it follows a change in the error rate within a second or two of traffic.

export const defaultRunSmoothing = 0.1;

export class FailureRun {
  /** Upstream-origin failures since the last success. */
  consecutiveFailures = 0;
  /** The weighted failure rate as it stood at the last success, i.e. before the current run. */
  failureRateBeforeRun = 0;
  private recentFailureRate = 0;

  constructor(private readonly smoothing = defaultRunSmoothing) {}

  recordSuccess(): void {
    this.recentFailureRate *= 1 - this.smoothing;
    this.failureRateBeforeRun = this.recentFailureRate;
    this.consecutiveFailures = 0;
  }

  recordFailure(): void {
    this.recentFailureRate = this.recentFailureRate * (1 - this.smoothing) + this.smoothing;
    this.consecutiveFailures += 1;
  }

  /** Ends the current run (readmission); the memory of the usual failure rate is kept on purpose. */
  endRun(): void {
    this.consecutiveFailures = 0;
  }
}
