// One deployment's health as the tracker holds it: its breaker (deployment-breaker.ts) plus what the
// other replicas sharing health publish about it — their decisions (eject, probe, readmit, isolate),
// their fleet-wide failure run and their counts — and the counts this replica has to publish in turn.
import type { BucketCounts } from './bucket-counts.js';
import { DeploymentBreaker } from './deployment-breaker.js';
import type { RemoteStateChange } from './deployment-state.js';
import type { BucketDelta } from './outcome-window.js';

export class DeploymentHealth extends DeploymentBreaker {
  /**
   * Applies a decision another replica made. Decisions older than this deployment's latest change are
   * ignored (the newer one wins). `degraded` is never applied: each replica derives it from the window,
   * which covers the whole fleet once counts are shared. An isolated deployment only accepts `healthy`
   * (a release made on another replica). Returns whether anything changed.
   */
  applyRemote(change: RemoteStateChange): boolean {
    this.evaluate();
    if (!(change.at >= this.lastDecisionAt)) return false;
    // Only a release (healthy) ends an isolation, here as locally.
    if (this.currentState === 'isolated' && change.to !== 'healthy') return false;
    switch (change.to) {
      case 'ejected': {
        const alreadyEjected = this.currentState === 'ejected';
        this.backoff.adoptRemote(change.ejectionCount, change.ejectedUntil, change.at, alreadyEjected);
        if (!alreadyEjected) {
          this.suspicion.clear();
          this.trials.clear();
          this.transition('ejected', change.reason, 'remote', change.at);
        }
        this.evaluate();
        return true;
      }
      case 'probing':
        if (this.currentState === 'probing') return false;
        this.backoff.endEjection();
        this.trials.clear();
        this.transition('probing', change.reason, 'remote', change.at);
        return true;
      case 'healthy':
        if (this.currentState === 'healthy' || this.currentState === 'degraded') return false;
        this.readmit(change.reason, 'remote', change.at);
        return true;
      case 'isolated':
        if (this.currentState === 'isolated') return false;
        this.isolate(change.reason, 'remote', change.at);
        return true;
      case 'degraded':
        return false;
    }
  }

  /**
   * The fleet's consecutive-failure run (shared health): the breakers judge it at once. A fleet run as
   * long as the run that ejects ejects even when this replica's own admits look interleaved with it:
   * the fleet's run has no success in it anywhere, and its slots are refused until someone ejects.
   */
  applyFleetRun(consecutiveFailures: number, consecutiveHardFailures: number): void {
    this.evaluate();
    if (!this.run.adoptFleetRun(consecutiveFailures, consecutiveHardFailures, this.clock.now())) return;
    if (this.currentState !== 'healthy' && this.currentState !== 'degraded') return;
    const limit = this.ejectingRun();
    const reason =
      this.ejectionReason() ??
      (limit !== undefined && consecutiveFailures >= limit ? `${consecutiveFailures} consecutive failures` : undefined);
    if (reason) this.eject(`${reason} (across replicas)`, 'local');
  }

  /** The run of failures at which the breakers that judge runs would eject now; undefined when none does. */
  ejectingRun(): number | undefined {
    const view = this.breakerView();
    let limit: number | undefined;
    for (const strategy of this.strategies) {
      const run = strategy.ejectingRun?.(view);
      if (run !== undefined) limit = Math.min(limit ?? run, run);
    }
    return limit;
  }

  /** An admitted attempt was not sent after all (its fleet slot was refused): the admit is undone. */
  giveBackAdmit(): void {
    this.run.forgetLastAdmit();
    if (this.currentState === 'probing') this.trials.finishOne();
  }

  /** Counts another replica recorded; the fleet-wide figures may call for an ejection on their own. */
  mergeRemoteCounts(bucketStartMs: number, counts: BucketCounts): boolean {
    const merged = this.window.mergeRemote(bucketStartMs, counts);
    this.evaluate();
    if (merged && (this.currentState === 'healthy' || this.currentState === 'degraded')) {
      const reason = this.ejectionReason();
      if (reason) this.eject(`${reason} (across replicas)`, 'local');
    }
    return merged;
  }

  takeLocalDelta(): BucketDelta[] {
    return this.window.takeLocalDelta();
  }
}
