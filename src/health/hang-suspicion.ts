// Whether a deployment's ejection is a suspicion of a hang rather than counted failures: requests
// have waited for a first token far past what the deployment usually takes (waiting-attempts.ts) and
// none has answered since. Outcomes only arrive when a hung attempt times out, so this ejects early,
// and the first content of a request that was already waiting (or of a later one) ends it at once.
// A hang is usually the shared layer's, not one copy's: while a co-member of its failure domain is
// suspect, a deployment sends one attempt at a time until one answers, so the rest of the family is
// not filled with waiting requests before it, too, can be judged.
// Hedge races the deployment lost (lost-races.ts) are the same kind of evidence: one holds it back to
// the attempts it already has out until one answers, suspectLostRaces of them make it suspect.
import type { Percentiles } from './latency-histogram.js';
import type { WaitingAttempts } from './waiting-attempts.js';

export class HangSuspicion {
  /** The current ejection is a suspicion, which the first content to arrive ends. */
  private active = false;
  /** Start of the oldest waiting attempt when the suspicion began: a first token of it or a later one ends it. */
  private since = Number.NEGATIVE_INFINITY;
  /**
   * Set when an ejection began on suspicion, kept through the ejections for failures that follow (its
   * hung attempts time out), until readmission: what holds back the co-members of its domains.
   */
  private hangingSince: number | undefined;

  constructor(
    private readonly waiting: WaitingAttempts,
    /** What a deployment of the same failure domain learned, for one that has learned nothing itself. */
    private readonly domainFirstToken: () => Percentiles | undefined,
    /** When the earliest suspicion of a hang among the co-members of its failure domains began, if any. */
    private readonly domainSuspectSince: () => number | undefined = () => undefined,
  ) {}

  /** The current ejection is a suspicion (of a hang) and nothing else. */
  get onSuspicion(): boolean {
    return this.active;
  }

  /** The start of the oldest attempt that made this deployment suspect, until it is readmitted. */
  suspectSince(): number | undefined {
    return this.hangingSince;
  }

  /**
   * Why further attempts are held back until one of those out answers, or undefined: a co-member is
   * suspect of hanging, this deployment has an attempt out without content, and nothing it answered
   * started since that suspicion; or it lost a hedge race, none answered since, and it still has an
   * ordinary attempt (not a long-thinking one) out without content.
   */
  holdBackReason(): string | undefined {
    if (this.waiting.unanswered === 0) return undefined;
    const since = this.domainSuspectSince();
    if (since !== undefined && this.waiting.latestAnsweredStart() < since)
      return 'held back: a co-member of its failure domain is suspect of hanging';
    if (this.waiting.lostRaces.count > 0 && this.waiting.unansweredOrdinary > 0)
      return 'held back: it lost a hedge race and has not answered since';
    return undefined;
  }

  /**
   * An attempt gave up waiting for content (a timeout) while a co-member hangs and nothing this
   * deployment answered started since: it hangs too — the reason to eject now. Non-streaming
   * attempts are never watched, so without this a family member held to one of them at a time
   * would take a new one every time the last timed out.
   */
  timedOutBesideHang(kind: string): string | undefined {
    if (kind !== 'first-token-timeout' && kind !== 'timeout') return undefined;
    const since = this.domainSuspectSince();
    if (since === undefined || this.waiting.latestAnsweredStart() >= since) return undefined;
    this.since = since;
    return `suspect: a request waiting for content timed out while a co-member of its failure domain hangs, none answered since`;
  }

  /**
   * Waiting requests past what the deployment usually takes, or hedge races it lost, none answered
   * since: the reason to eject now.
   */
  reasonToSuspect(now: number): string | undefined {
    const lost = this.waiting.lostRaces.suspicion();
    if (lost) {
      this.since = this.waiting.lostRaces.oldestStart()!;
      return lost;
    }
    const oldest = this.waiting.oldestStart();
    if (oldest === undefined || now - oldest < this.waiting.earliestSuspicionMs()) return undefined;
    const borrowed = this.waiting.learnedFirstToken(now) ? undefined : this.domainFirstToken();
    const reason = this.waiting.suspicion(now, borrowed);
    if (reason) this.since = oldest;
    return reason;
  }

  /** An ejection began: on suspicion (from reasonToSuspect) or for failures (which first content does not end). */
  ejected(onSuspicion: boolean): void {
    this.active = onSuspicion;
    if (onSuspicion) this.hangingSince ??= this.since;
  }

  /** After an attempt progressed: whether that ends the suspicion (it was waiting, or started later). */
  endedByProgress(): boolean {
    // Attempts that started before the hang may still answer: only a waiting one (or a later one) clears it.
    return this.active && this.waiting.latestAnsweredStart() >= this.since;
  }

  clear(): void {
    this.active = false;
    this.hangingSince = undefined;
  }
}
