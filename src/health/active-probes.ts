// Active probes: an ejected deployment whose ejection time is over gets a minimal synthetic request
// instead of a client's, so it can be readmitted without risking client traffic. A degraded
// deployment is probed too: it is tried after healthy ones, so while they serve it gets no client
// traffic, and without probes a dead one would sit degraded instead of being ejected (and a healed
// one would wait for the window to forget its failures). The prober takes the tracker's trial slot
// (admit), sends the probe, and records its outcome like any attempt.
import type { Clock } from '../util/clock.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { HealthTracker } from './health-tracker.js';
import { AbortReason } from '../transport/abort-reasons.js';

export type ProbeFunction = (deploymentId: string, signal: AbortSignal) => Promise<AttemptOutcome>;

export interface ActiveProberOptions {
  tracker: HealthTracker;
  clock: Clock;
  probe: ProbeFunction;
  /** How often due probes are looked for (default 1 s). */
  intervalMs?: number;
  /** Longest a probe may take before it counts as a timeout (default 10 s). */
  timeoutMs?: number;
  /** Which deployments are probed (default: all). */
  enabled?: (deploymentId: string) => boolean;
  /**
   * Replicas sharing health: whether this replica owns the deployment's probes for this period
   * (one replica per period probes each deployment). Default: always.
   */
  claim?: (deploymentId: string) => Promise<boolean>;
}

export class ActiveProber {
  private cancel: () => void = () => {};
  private running = false;
  private readonly inFlight = new Set<string>();
  private readonly controllers = new Set<AbortController>();
  /** Probes sent so far, for visibility. */
  sent = 0;

  constructor(private readonly options: ActiveProberOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.cancel();
    for (const controller of this.controllers) controller.abort(new AbortReason('client-aborted', 'prober stopped'));
  }

  /** Sends every probe that is due now; resolves when they have all been recorded. */
  async tick(): Promise<void> {
    const { tracker } = this.options;
    const due = tracker
      .snapshot()
      .deployments.filter(
        (deployment) =>
          (deployment.state === 'probing' || deployment.state === 'degraded') && !this.inFlight.has(deployment.id),
      )
      .filter((deployment) => this.options.enabled?.(deployment.id) ?? true);
    await Promise.all(due.map((deployment) => this.probeOne(deployment.id)));
  }

  private async probeOne(id: string): Promise<void> {
    const { tracker, clock } = this.options;
    this.inFlight.add(id);
    if (this.options.claim && !(await this.options.claim(id).catch(() => true))) {
      this.inFlight.delete(id);
      return;
    }
    if (!tracker.admit(id)) {
      this.inFlight.delete(id);
      return;
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const cancelTimeout = clock.schedule(timeoutMs, () =>
      controller.abort(new AbortReason('timeout', `probe gave no answer within ${timeoutMs} ms`)),
    );
    const startedAt = clock.now();
    let outcome: AttemptOutcome;
    try {
      outcome = await this.options.probe(id, controller.signal);
    } catch {
      outcome = { kind: controller.signal.aborted ? 'timeout' : 'connect', latencyMs: clock.now() - startedAt };
    } finally {
      cancelTimeout();
      this.controllers.delete(controller);
      this.inFlight.delete(id);
    }
    this.sent += 1;
    tracker.record(id, outcome);
  }

  private schedule(): void {
    this.cancel = this.options.clock.schedule(this.options.intervalMs ?? 1_000, () => {
      if (!this.running) return;
      void this.tick().finally(() => {
        if (this.running) this.schedule();
      });
    });
  }
}
