// Each deployment's current failing period as the detector's own evidence: from its first failed
// attempt on, so that an incident opening later (after a grace period, or when health ejects it)
// starts with everything seen since the trouble began. Health's states are read, not kept, here.
import { EvidenceAccumulator, isUpstreamFailure, type AttemptFact, type RequestFact } from './evidence-accumulator.js';
import type { HealthReading } from './health-reading.js';

export class FailingPeriods {
  private readonly runs = new Map<string, EvidenceAccumulator>();
  /** Providers seen on attempts, for deployments the configuration does not list. */
  readonly providersSeen = new Map<string, string>();

  /** A failure further than this from the previous one starts a new failing period. */
  constructor(private readonly evidenceWindowMs: number) {}

  /**
   * Adds an attempt to its deployment's failing period. A failure long after the previous one starts
   * a new period, unless the deployment is still failing or `stillTracked` (an incident covers it).
   */
  recordAttempt(fact: AttemptFact, health: HealthReading, stillTracked: boolean): void {
    if (!this.providersSeen.has(fact.deployment)) this.providersSeen.set(fact.deployment, fact.provider);
    let run = this.runs.get(fact.deployment);
    if (isUpstreamFailure(fact.kind)) {
      const last = run?.lastFailedAt ?? null;
      const stale = last !== null && fact.at - last > this.evidenceWindowMs;
      if (!run || (stale && !health.isFailing(fact.deployment) && !stillTracked)) {
        run = new EvidenceAccumulator();
        this.runs.set(fact.deployment, run);
      }
    }
    run?.recordAttempt(fact);
  }

  /** Adds a request to the failing periods of deployments that failed on its route recently. */
  recordRequest(fact: RequestFact, health: HealthReading): void {
    for (const [id, run] of this.runs) {
      if (run.hasRoute(fact.route) && this.isActive(id, run, health, fact.at)) {
        run.recordRequest(fact, (deployment) => deployment === id);
      }
    }
  }

  /** The deployment's failing-period evidence, when the period is still going on at `now`. */
  activeRun(deploymentId: string, health: HealthReading, now: number): EvidenceAccumulator | undefined {
    const run = this.runs.get(deploymentId);
    return run && this.isActive(deploymentId, run, health, now) ? run : undefined;
  }

  private isActive(deploymentId: string, run: EvidenceAccumulator, health: HealthReading, now: number): boolean {
    const last = run.lastFailedAt;
    return health.isFailing(deploymentId) || (last !== null && now - last <= this.evidenceWindowMs);
  }
}
