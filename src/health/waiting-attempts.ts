// The attempts of one deployment that are in flight and still waiting for their first content, and
// what the deployment has learned about how long that wait usually is. Outcomes only arrive when an
// attempt ends — for a hung upstream, when a timeout fires — so without this health learns nothing
// while requests pile up. Here the waiting itself is the evidence: when the oldest watched attempt has
// waited well past the deployment's usual p99 time to first token and no attempt that started after it
// has answered, the deployment is suspect.
//
// Only streaming attempts are watched and learned from for first tokens: a non-streaming answer
// arrives whole, so its wait depends on the answer's length, not on the upstream's health;
// long-thinking attempts are expected to wait. Both still count as progress when they answer, and
// non-streaming ones that do not think teach the usual time to a whole answer (for hedging them).
// Attempts abandoned because another deployment answered first are also kept as lost races
// (lost-races.ts), streaming or not.
import type { Percentiles } from './latency-histogram.js';
import { LearnedPercentiles } from './learned-percentiles.js';
import { type LostRaceSettings, LostRaces } from './lost-races.js';

export interface WaitingSettings extends LostRaceSettings {
  /** Suspect when waiting longer than suspectFactor × the learned p99 time to first token… */
  suspectFactor: number;
  /** …but never before this long (a deployment that answers in 5 ms is not suspect after 15 ms). */
  suspectFloorMs: number;
  /**
   * Or sooner, on a crowd: this many waiting attempts, each past the learned p99 (and suspectCrowdFloorMs),
   * with none that started after them answering. One slow request is bad luck; two at once, with
   * nothing answering, are a hang.
   */
  suspectCrowd: number;
  suspectCrowdFloorMs: number;
}

/** What an attempt teaches when it answers: its first token (a watched stream), its whole answer, or nothing. */
export type AttemptWatch = 'first-token' | 'whole-answer' | 'none';

/** Abandoned attempts kept as evidence at most (the oldest go first). */
const maximumAbandoned = 256;

interface InFlight {
  startedAt: number;
  watch: AttemptWatch;
}

export class WaitingAttempts {
  private readonly inFlight = new Map<number, InFlight>();
  /** Watched attempts still waiting: token → start time, oldest first (tokens only grow). */
  private readonly waiting = new Map<number, number>();
  /** Those of them the gateway abandoned: token → how long it had waited then (its wait stops growing). */
  private readonly abandonedAfter = new Map<number, number>();
  private nextToken = 1;
  /** Start time of the latest-started attempt that produced content. */
  private lastAnsweredStart = Number.NEGATIVE_INFINITY;
  private readonly firstTokens = new LearnedPercentiles();
  private readonly wholeAnswers = new LearnedPercentiles();
  /** Attempts abandoned after waiting past their usual time because another deployment answered first. */
  readonly lostRaces: LostRaces;

  constructor(private readonly settings: WaitingSettings) {
    this.lostRaces = new LostRaces(settings);
  }

  /** An attempt started; only `first-token` ones (streams not expected to think at length) are watched. */
  start(now: number, watch: AttemptWatch): number {
    const token = this.nextToken;
    this.nextToken += 1;
    this.inFlight.set(token, { startedAt: now, watch });
    if (watch === 'first-token') this.waiting.set(token, now);
    return token;
  }

  /** The attempt produced its first content: the deployment is answering. */
  progressed(token: number, now: number): void {
    const attempt = this.inFlight.get(token);
    this.forget(token);
    if (!attempt) return;
    this.lastAnsweredStart = Math.max(this.lastAnsweredStart, attempt.startedAt);
    this.lostRaces.answered(attempt.startedAt);
    // Those that started before an attempt that answered are no evidence any more (abandoned ones included).
    for (const [waitingToken, startedAt] of this.waiting) {
      if (startedAt > attempt.startedAt) break;
      this.waiting.delete(waitingToken);
      this.abandonedAfter.delete(waitingToken);
    }
    if (attempt.watch === 'first-token') this.firstTokens.add(now - attempt.startedAt);
    else if (attempt.watch === 'whole-answer') this.wholeAnswers.add(now - attempt.startedAt);
  }

  /** The attempt ended (with or without content). */
  ended(token: number): void {
    this.forget(token);
  }

  /**
   * The gateway gave up on the attempt (the other side of a hedge answered first). It had waited
   * without content, which is evidence — for as long as it had waited, no longer: it stays among the
   * waiting, its wait frozen, until a later attempt answers. (A losing hedge on a healthy deployment
   * waited a few hundred milliseconds; counted as still waiting, it made that deployment suspect.)
   * It is also a lost race, judged against what the deployment usually takes for what it waited for
   * (`borrowedFirstToken`: a co-member's figures, for a deployment that has learned no first tokens).
   */
  abandoned(token: number, now: number, borrowedFirstToken?: Percentiles): void {
    const attempt = this.inFlight.get(token);
    this.inFlight.delete(token);
    if (!attempt) return;
    const waitedMs = now - attempt.startedAt;
    const usual =
      attempt.watch === 'first-token'
        ? (this.learnedFirstToken(now) ?? borrowedFirstToken)
        : attempt.watch === 'whole-answer'
          ? this.learnedWholeAnswer(now)
          : undefined;
    this.lostRaces.lost(token, attempt.startedAt, waitedMs, usual, this.lastAnsweredStart);
    if (!this.waiting.has(token)) return;
    // Too short to ever count under either rule: nothing to keep (a deployment whose hedges keep losing
    // would otherwise collect them without end).
    if (waitedMs < this.earliestSuspicionMs()) {
      this.waiting.delete(token);
      return;
    }
    this.abandonedAfter.set(token, waitedMs);
    if (this.abandonedAfter.size > maximumAbandoned) {
      const [oldest] = this.abandonedAfter.keys();
      this.abandonedAfter.delete(oldest!);
      this.waiting.delete(oldest!);
    }
  }

  /** Readmitted: what waited before now no longer counts (a probe, not these, judged the deployment). */
  forgetWaiting(): void {
    this.waiting.clear();
    this.abandonedAfter.clear();
    this.lostRaces.clear();
  }

  get count(): number {
    return this.waiting.size;
  }

  /** Attempts in flight that have shown no content yet, watched or not. */
  get unanswered(): number {
    return this.inFlight.size;
  }

  /** Attempts in flight without content that are expected to answer in the usual time (not long thinking). */
  get unansweredOrdinary(): number {
    let count = 0;
    for (const attempt of this.inFlight.values()) if (attempt.watch !== 'none') count += 1;
    return count;
  }

  /** p50 / p95 / p99 of the last watched first tokens; kept when none come (a hung deployment sends none). */
  learnedFirstToken(now: number): Percentiles | undefined {
    return this.firstTokens.figures(now);
  }

  /** p50 / p95 / p99 of the last whole non-streaming answers (of requests that do not think at length). */
  learnedWholeAnswer(now: number): Percentiles | undefined {
    return this.wholeAnswers.figures(now);
  }

  /**
   * How long a watched attempt may wait before the deployment is suspect: factor × p99 of what it
   * learned, else of what `borrowed` says (a deployment of the same failure domain), else factor × the
   * floor (a deployment that never served has nothing to compare with); never under the floor.
   */
  suspectAfterMs(now: number, borrowed?: Percentiles): number {
    const learned = this.learnedFirstToken(now) ?? borrowed;
    const { suspectFactor, suspectFloorMs } = this.settings;
    return Math.max(suspectFactor * (learned?.p99 ?? suspectFloorMs), suspectFloorMs);
  }

  /** Start time of the attempt that answered last, by start. */
  latestAnsweredStart(): number {
    return this.lastAnsweredStart;
  }

  /** Start time of the oldest waiting watched attempt, if any. */
  oldestStart(): number | undefined {
    for (const startedAt of this.waiting.values()) return startedAt;
    return undefined;
  }

  /** How long the oldest waiting attempt must have waited before either rule can hold (a cheap early exit). */
  earliestSuspicionMs(): number {
    return Math.min(this.settings.suspectFloorMs, this.settings.suspectCrowdFloorMs);
  }

  /**
   * The reason the deployment is suspect now, or undefined: its oldest waiting attempt is past
   * suspectAfterMs, or a crowd of them is past the usual p99 (a deployment that has learned, or
   * borrowed, a p99). Cheap while nothing has waited past the floors.
   */
  suspicion(now: number, borrowed?: Percentiles): string | undefined {
    const oldest = this.oldestStart();
    if (oldest === undefined || now - oldest < this.earliestSuspicionMs()) return undefined;
    // An attempt that started after the oldest one and answered: the deployment answers, just not that one.
    if (this.lastAnsweredStart >= oldest) return undefined;
    const learned = this.learnedFirstToken(now) ?? borrowed;
    const usual = this.firstTokens.last
      ? `usual p99 ${this.firstTokens.last.p99} ms`
      : borrowed
        ? `its domain's usual p99 ${borrowed.p99} ms`
        : 'nothing learned yet';
    const limit = this.suspectAfterMs(now, borrowed);
    if (this.waitedPast(now, limit) > 0) {
      return `suspect: ${this.waitedPast(now, limit)} request(s) waiting for a first token for over ${Math.round(limit)} ms (${usual}), none answered since`;
    }
    if (!learned) return undefined;
    const crowdLimit = Math.max(learned.p99, this.settings.suspectCrowdFloorMs);
    const crowd = this.waitedPast(now, crowdLimit);
    if (crowd < this.settings.suspectCrowd) return undefined;
    return `suspect: ${crowd} requests waiting for a first token for over ${Math.round(crowdLimit)} ms at once (${usual}), none answered since`;
  }

  /** Waiting attempts that have waited at least `limitMs` (abandoned ones: until they were abandoned). */
  private waitedPast(now: number, limitMs: number): number {
    let past = 0;
    for (const [token, startedAt] of this.waiting) {
      if (now - startedAt < limitMs) break;
      if ((this.abandonedAfter.get(token) ?? now - startedAt) >= limitMs) past += 1;
    }
    return past;
  }

  private forget(token: number): void {
    this.inFlight.delete(token);
    this.waiting.delete(token);
    this.abandonedAfter.delete(token);
  }
}
