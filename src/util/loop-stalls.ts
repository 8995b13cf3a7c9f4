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
  /**
   * The checks pause when nothing is busy (see `busyWhile`) and the wait clock has not been read for
   * this long — no stall could then be charged to an upstream — and resume with the next reading.
   */
  idleAfterMs: number;
}

// A check every 50 ms costs an idle gateway ~0.3% of a core (every 10 ms cost 1.2%); stalls shorter
// than the grace are ordinary loop turns, and the limits they would matter to are hundreds of ms. A
// gateway with no traffic stops checking after 5 s, and costs nothing.
const defaults: LoopStallSettings = { tickMs: 50, graceMs: 25, idleAfterMs: 5_000 };

export class LoopStalls {
  private stalledMs = 0;
  /** When the next check is due (read only while started). */
  private dueAt = 0;
  private cancel: (() => void) | undefined;
  /** Between start and stop (the checks themselves may be paused while idle). */
  private started = false;
  private lastReadAt = 0;
  private busy: () => boolean = () => false;
  private readonly settings: LoopStallSettings;
  /** A clock that stands still while the event loop is stalled (durations on it leave the stalls out). */
  readonly waitClock: Pick<Clock, 'now'> = {
    now: () => {
      const now = this.clock.now();
      this.lastReadAt = now;
      if (this.started && !this.cancel) this.schedule(now);
      return now - this.totalMs();
    },
  };

  constructor(
    private readonly clock: Clock,
    settings: Partial<LoopStallSettings> = {},
  ) {
    this.settings = { ...defaults, ...settings };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.lastReadAt = this.clock.now();
    this.schedule(this.lastReadAt);
  }

  stop(): void {
    this.started = false;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Keeps the checks running while `busy` says so (the gateway: while a client request is in flight). */
  busyWhile(busy: () => boolean): void {
    this.busy = busy;
  }

  private schedule(now: number): void {
    this.dueAt = now + this.settings.tickMs;
    this.cancel = this.clock.schedule(this.settings.tickMs, this.tick);
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
    if (now - this.lastReadAt >= this.settings.idleAfterMs && !this.busy()) {
      this.cancel = undefined;
      return;
    }
    this.schedule(now);
  };
}
