// The hedge races a deployment lost: its attempt had waited past its usual time for content (its
// learned p99, never under a floor) when another deployment's attempt for the same request answered
// first, and no attempt of its own that started later has answered since. A slow first token (20 s
// where 200 ms is usual) never reaches the waiting-attempts rules while hedges rescue every request:
// each losing attempt is abandoned after the hedge delay, long before the rules' floors. Lost races
// are that evidence: one holds the deployment back to the attempts it already has out, a few make it
// suspect. A hedge that wins by a hair over a normal attempt is no evidence: that attempt had not
// waited past its usual p99, or a later attempt of the deployment answers and clears it.
import type { Percentiles } from './latency-histogram.js';

export interface LostRaceSettings {
  /** This many lost races, none answered since, make the deployment suspect. */
  suspectLostRaces: number;
  /** A race counts only when the losing attempt had waited at least this long (and past its usual p99). */
  lostRaceFloorMs: number;
}

interface LostRace {
  startedAt: number;
  waitedMs: number;
  usualMs: number;
}

/** Lost races kept at most (the oldest go first): more than any count that makes a deployment suspect. */
const maximumKept = 64;

export class LostRaces {
  /** Token of the losing attempt → the race, oldest loss first. */
  private readonly races = new Map<number, LostRace>();

  constructor(private readonly settings: LostRaceSettings) {}

  /**
   * An attempt that started at `startedAt` was abandoned after `waitedMs` because another deployment
   * answered first. `usual` is what this deployment usually takes for what the attempt waited for
   * (undefined: nothing learned, no race can be judged). `lastAnsweredStart`: the latest start of an
   * attempt of this deployment that answered; one that started after the loser means it still answers.
   */
  lost(token: number, startedAt: number, waitedMs: number, usual: Percentiles | undefined, lastAnsweredStart: number) {
    if (!usual || lastAnsweredStart >= startedAt) return;
    if (waitedMs < Math.max(usual.p99, this.settings.lostRaceFloorMs)) return;
    this.races.set(token, { startedAt, waitedMs, usualMs: usual.p99 });
    if (this.races.size > maximumKept) {
      const [oldest] = this.races.keys();
      this.races.delete(oldest!);
    }
  }

  /** An attempt that started at `startedAt` answered: races lost by attempts started before it no longer count. */
  answered(startedAt: number): void {
    for (const [token, race] of this.races) if (race.startedAt <= startedAt) this.races.delete(token);
  }

  clear(): void {
    this.races.clear();
  }

  get count(): number {
    return this.races.size;
  }

  /** Start of the earliest-started attempt among the lost races, if any. */
  oldestStart(): number | undefined {
    let oldest: number | undefined;
    for (const race of this.races.values()) oldest = Math.min(oldest ?? race.startedAt, race.startedAt);
    return oldest;
  }

  /** The reason the deployment is suspect: suspectLostRaces lost races, none answered since. */
  suspicion(): string | undefined {
    if (this.races.size < this.settings.suspectLostRaces) return undefined;
    const waited = [...this.races.values()]
      .map((race) => `${Math.round(race.waitedMs)} ms (usual p99 ${Math.round(race.usualMs)} ms)`)
      .join(', ');
    return `suspect: lost ${this.races.size} hedge races, another deployment answered first while its requests had waited ${waited} for content, none answered since`;
  }
}
