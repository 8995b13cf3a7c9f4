// The gateway's own stalls: time its event loop could not run (a long task, a burst of work, a long
// garbage collection), measured by a timer that notes how late it fires. The waits an upstream is
// judged by — its first-token limit, its learned time to first token, hang suspicion — run on the
// wait clock, which stops while the loop is stalled: the gateway's own delay is never charged to a
// deployment. Deterministic: time comes from the injected clock.
import type { Clock } from './clock.js';

export interface LoopStallSettings {
  /** How often the loop is checked. */
  tickMs: number;
  /** Lateness tolerated as ordinary jitter; only what lies beyond it counts as a stall. */
  graceMs: number;
}

// A check every 50 ms costs an idle gateway ~0.3% of a core (every 10 ms cost 1.2%); stalls shorter
// than the grace are ordinary loop turns, and the limits they would matter to are hundreds of ms.
const defaults: LoopStallSettings = { tickMs: 50, graceMs: 25 };

export class LoopStalls {
  private stalledMs = 0;
  /** When the next check is due (read only while started). */
  private dueAt = 0;
  private cancel: (() => void) | undefined;
  private readonly settings: LoopStallSettings;
  /** A clock that stands still while the event loop is stalled (durations on it leave the stalls out). */
  readonly waitClock: Pick<Clock, 'now'> = { now: () => this.clock.now() - this.totalMs() };

  constructor(
    private readonly clock: Clock,
    settings: Partial<LoopStallSettings> = {},
  ) {
    this.settings = { ...defaults, ...settings };
  }

  start(): void {
    if (this.cancel) return;
    this.dueAt = this.clock.now() + this.settings.tickMs;
    this.cancel = this.clock.schedule(this.settings.tickMs, this.tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * Milliseconds the loop has been stalled since start, the stall in progress included: a check overdue
   * past its grace means the loop has not run since, so the wait clock stops at once, not only when the
   * check finally runs.
   */
  totalMs(): number {
    if (!this.cancel) return this.stalledMs;
    const pending = this.clock.now() - this.dueAt - this.settings.graceMs;
    return pending > 0 ? this.stalledMs + pending : this.stalledMs;
  }

  private readonly tick = (): void => {
    const now = this.clock.now();
    const late = now - this.dueAt - this.settings.graceMs;
    if (late > 0) this.stalledMs += late;
    this.dueAt = now + this.settings.tickMs;
    this.cancel = this.clock.schedule(this.settings.tickMs, this.tick);
  };
}
