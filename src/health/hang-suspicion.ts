// Whether a deployment's ejection is a suspicion of a hang rather than counted failures: requests
// have waited for a first token far past what the deployment usually takes (waiting-attempts.ts) and
// none has answered since. Outcomes only arrive when a hung attempt times out, so this ejects early,
// and the first content of a request that was already waiting (or of a later one) ends it at once.
import type { HealthSettings } from './health-settings.js';
import type { Percentiles } from './latency-histogram.js';
import type { WaitingAttempts } from './waiting-attempts.js';

export class HangSuspicion {
  /** The current ejection is a suspicion, which the first content to arrive ends. */
  private active = false;
  /** Start of the oldest waiting attempt when the suspicion began: a first token of it or a later one ends it. */
  private since = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly waiting: WaitingAttempts,
    private readonly settings: Pick<HealthSettings, 'suspectFloorMs'>,
    /** What a deployment of the same failure domain learned, for one that has learned nothing itself. */
    private readonly domainFirstToken: () => Percentiles | undefined,
  ) {}

  /** Waiting requests past what the deployment usually takes, none answered since: the reason to eject now. */
  reasonToSuspect(now: number): string | undefined {
    const oldest = this.waiting.oldestStart();
    if (oldest === undefined || now - oldest < this.settings.suspectFloorMs) return undefined;
    const borrowed = this.waiting.learnedFirstToken(now) ? undefined : this.domainFirstToken();
    const reason = this.waiting.suspicion(now, borrowed);
    if (reason) this.since = oldest;
    return reason;
  }

  /** An ejection began: on suspicion (from reasonToSuspect) or for failures (which first content does not end). */
  ejected(onSuspicion: boolean): void {
    this.active = onSuspicion;
  }

  /** After an attempt progressed: whether that ends the suspicion (it was waiting, or started later). */
  endedByProgress(): boolean {
    // Attempts that started before the hang may still answer: only a waiting one (or a later one) clears it.
    return this.active && this.waiting.latestAnsweredStart() >= this.since;
  }

  clear(): void {
    this.active = false;
  }
}
