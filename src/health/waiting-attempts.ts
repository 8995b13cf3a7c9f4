// The attempts of one deployment that are in flight and still waiting for their first content, and
// what the deployment has learned about how long that wait usually is. Outcomes only arrive when an
// attempt ends — for a hung upstream, when a timeout fires — so without this health learns nothing
// while requests pile up. Here the waiting itself is the evidence: when the oldest waiting attempt has
// waited well past the deployment's usual p99 time to first token and no attempt produced content in
// the meantime, the deployment is suspect.
import type { Percentiles } from './latency-histogram.js';

export interface WaitingSettings {
  /** Suspect when waiting longer than suspectFactor × the learned p99 time to first token… */
  suspectFactor: number;
  /** …but never before this long (a deployment that answers in 5 ms is not suspect after 15 ms). */
  suspectFloorMs: number;
}

/** Time-to-first-token samples a window needs before its percentiles replace the learned ones. */
export const learnedFirstTokenMinimumSamples = 5;

export class WaitingAttempts {
  /** Attempt token → start time, oldest first (tokens only grow). */
  private readonly waiting = new Map<number, number>();
  private nextToken = 1;
  /** When an attempt last produced first content (or a whole answer). */
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  /** The last percentiles learned from a window with enough samples; kept while the window is empty. */
  private learned: Percentiles | undefined;

  constructor(private readonly settings: WaitingSettings) {}

  /** An attempt started. `patient` attempts (long thinking, very large prompts) never make it suspect. */
  start(now: number, patient: boolean): number {
    const token = this.nextToken;
    this.nextToken += 1;
    if (!patient) this.waiting.set(token, now);
    return token;
  }

  /** The attempt produced its first content: the deployment is answering. */
  progressed(token: number, now: number): void {
    this.waiting.delete(token);
    this.lastProgressAt = Math.max(this.lastProgressAt, now);
  }

  /** The attempt ended (with or without content). */
  ended(token: number): void {
    this.waiting.delete(token);
  }

  /** Forgets the in-flight attempts (an operator isolation, or the deployment removed). */
  clear(): void {
    this.waiting.clear();
  }

  get count(): number {
    return this.waiting.size;
  }

  /** Notes the window's time-to-first-token figures when it holds enough of them. */
  learn(figures: Percentiles | undefined, samples: number): void {
    if (figures && samples >= learnedFirstTokenMinimumSamples) this.learned = figures;
  }

  learnedFirstToken(): Percentiles | undefined {
    return this.learned;
  }

  /** How long an attempt may wait for first content before the deployment is suspect; undefined before anything was learned. */
  suspectAfterMs(): number | undefined {
    if (!this.learned) return undefined;
    return Math.max(this.settings.suspectFactor * this.learned.p99, this.settings.suspectFloorMs);
  }

  /** Start time of the oldest waiting attempt, if any. */
  oldestStart(): number | undefined {
    for (const startedAt of this.waiting.values()) return startedAt;
    return undefined;
  }

  /**
   * The reason the deployment is suspect now, or undefined. Cheap when nothing has waited past the
   * floor, which is what the request path sees almost always. `learn` must have been called with
   * the current window for the reason to use current figures.
   */
  suspicion(now: number): string | undefined {
    const oldest = this.oldestStart();
    if (oldest === undefined || now - oldest < this.settings.suspectFloorMs) return undefined;
    const limit = this.suspectAfterMs();
    if (limit === undefined || now - oldest < limit) return undefined;
    // Content that came after the oldest attempt started means the deployment is answering, just not that one.
    if (this.lastProgressAt > oldest) return undefined;
    let past = 0;
    for (const startedAt of this.waiting.values()) if (now - startedAt >= limit) past += 1;
    return `suspect: ${past} request(s) waiting for a first token for over ${Math.round(limit)} ms (usual p99 ${this.learned?.p99} ms), none answered since`;
  }
}
