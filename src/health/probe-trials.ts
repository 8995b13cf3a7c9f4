// The trial requests a probing deployment admits (probeTrials at a time): their outcomes decide
// whether it is readmitted or ejected again. A trial that never reports back (its outcome lost with a
// crashed client) frees its slot after probeTrialTimeoutMs, so probing cannot stall.
import type { HealthSettings } from './health-settings.js';

export class ProbeTrials {
  /** Start times of trial requests in flight. */
  private startedAt: number[] = [];

  constructor(private readonly settings: Pick<HealthSettings, 'probeTrials' | 'probeTrialTimeoutMs'>) {}

  get inFlight(): number {
    return this.startedAt.length;
  }

  hasFreeSlot(): boolean {
    return this.startedAt.length < this.settings.probeTrials;
  }

  /** Admits a trial when a slot is free. */
  tryStart(now: number): boolean {
    if (!this.hasFreeSlot()) return false;
    this.startedAt.push(now);
    return true;
  }

  /** A trial's outcome arrived. */
  finishOne(): void {
    this.startedAt.shift();
  }

  clear(): void {
    this.startedAt = [];
  }

  expire(now: number): void {
    this.startedAt = this.startedAt.filter((startedAt) => now - startedAt < this.settings.probeTrialTimeoutMs);
  }
}
