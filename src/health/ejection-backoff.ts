// How long a deployment stays ejected: base × the number of recent ejections, capped, with the count
// decaying one step per ejectionDecayMs of stable service, so a deployment that keeps failing is
// tried less and less often, and one that has been fine for a while starts again from the base.
import type { HealthSettings } from './health-settings.js';

export class EjectionBackoff {
  private ejectionCount = 0;
  private ejectedUntil: number | undefined;
  /** Start of the current stable period, from which the count decays. */
  private stableSince: number;

  constructor(
    private readonly settings: HealthSettings,
    now: number,
  ) {
    this.stableSince = now;
  }

  get count(): number {
    return this.ejectionCount;
  }

  /** End of the current ejection; undefined when not ejected (or ejected by an operator's isolation). */
  get until(): number | undefined {
    return this.ejectedUntil;
  }

  /** base × count, capped. */
  ejectionTime(count: number): number {
    return Math.min(this.settings.baseEjectionMs * count, this.settings.maxEjectionMs);
  }

  /** A new ejection starting now: one more in the count, and its end. */
  eject(now: number): void {
    this.ejectionCount = this.clamp(this.ejectionCount + 1);
    this.ejectedUntil = now + this.ejectionTime(this.ejectionCount);
  }

  /**
   * Another replica's ejection: its count and end (or what they would be here). While already ejected
   * the longer one wins; otherwise it replaces ours.
   */
  adoptRemote(
    ejectionCount: number | undefined,
    ejectedUntil: number | undefined,
    at: number,
    alreadyEjected: boolean,
  ) {
    const count = this.clamp(ejectionCount ?? this.ejectionCount + 1);
    const until = ejectedUntil ?? at + this.ejectionTime(count);
    if (alreadyEjected) {
      this.ejectionCount = Math.max(this.ejectionCount, count);
      this.ejectedUntil = Math.max(this.ejectedUntil ?? until, until);
    } else {
      this.ejectionCount = count;
      this.ejectedUntil = until;
    }
  }

  /** The ejection ended (probing, isolated, readmitted). */
  endEjection(): void {
    this.ejectedUntil = undefined;
  }

  /** Back in service: the stable period the count decays over starts now. */
  startStablePeriod(now: number): void {
    this.stableSince = now;
  }

  /** One step down per ejectionDecayMs of stable service; call only while the deployment serves. */
  decay(now: number): void {
    if (this.ejectionCount === 0) return;
    const steps = Math.floor((now - this.stableSince) / this.settings.ejectionDecayMs);
    if (steps <= 0) return;
    this.ejectionCount = Math.max(0, this.ejectionCount - steps);
    this.stableSince += steps * this.settings.ejectionDecayMs;
  }

  // Beyond this count the ejection time is capped anyway; a bounded count also decays in bounded time.
  private clamp(count: number): number {
    const max = Math.ceil(this.settings.maxEjectionMs / this.settings.baseEjectionMs);
    return Math.min(Math.max(1, Math.floor(count)), max);
  }
}
