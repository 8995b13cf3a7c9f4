// The breaker lifecycle of one deployment: healthy ⇄ degraded → ejected → probing → healthy, plus
// isolated (operator) and a rate-limit cool-down that is not an outage. Time-based transitions (end
// of an ejection, end of a cool-down, decay of the ejection count, buckets ageing out of the window)
// are evaluated lazily from the injected clock on every call, so no timers exist and tests drive
// everything with a ManualClock.
import type { BreakerStrategy, BreakerView } from './breaker-strategy.js';
import type { BucketCounts } from './bucket-counts.js';
import { defaultBreakerStrategies } from './default-breaker-strategies.js';
import { degradationReason, recoveredFromDegradation } from './degradation-check.js';
import type { ChangeOrigin, DeploymentState, RemoteStateChange, StateChange } from './deployment-state.js';
import { FailureRun } from './failure-run.js';
import { isHardFailure } from './hard-failure-run-strategy.js';
import type { Percentiles } from './latency-histogram.js';
import { WaitingAttempts } from './waiting-attempts.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { HealthSettings } from './health-settings.js';
import type { DeploymentHealthSnapshot } from './health-snapshot.js';
import { OutcomeWindow, type BucketDelta, type HealthClock } from './outcome-window.js';
import { outcomePolicies } from './outcome-policy.js';

/** How long a panic pass from order() stays valid: the caller admits right after ordering. */
export const panicPassValidMs = 1_000;

export interface DeploymentHealthOptions {
  id: string;
  domains?: readonly string[];
  clock: HealthClock;
  settings: HealthSettings;
  strategies?: readonly BreakerStrategy[];
  onChange?: (change: StateChange) => void;
  /** What a deployment of the same failure domain learned, for one that has learned nothing itself. */
  domainFirstToken?: () => Percentiles | undefined;
}

/** Where a deployment goes in the candidate order, and for excluded ones when it may be tried again. */
export interface OrderStatus {
  group: 'healthy' | 'degraded' | 'probing' | 'excluded';
  /** Excluded only: when it is expected to be usable again; undefined for isolated (never in panic). */
  availableAt: number | undefined;
}

export class DeploymentHealth {
  readonly id: string;
  readonly domains: readonly string[];
  readonly settings: HealthSettings;
  private readonly clock: HealthClock;
  private readonly strategies: readonly BreakerStrategy[];
  private readonly onChange: (change: StateChange) => void;
  private readonly window: OutcomeWindow;
  private readonly run = new FailureRun();
  private readonly waiting: WaitingAttempts;
  /** The current ejection is a suspicion (requests waiting), which the first content to arrive ends. */
  private suspect = false;
  /** Start of the oldest waiting attempt when the suspicion began: a first token of it or a later one ends it. */
  private suspectSince = Number.NEGATIVE_INFINITY;
  private readonly domainFirstToken: () => Percentiles | undefined;

  private currentState: DeploymentState = 'healthy';
  private currentReason = 'no outcomes yet';
  private currentSince: number;
  /** Last eject/probe/readmit/isolate here or remotely: older remote decisions are stale. Creation and
   *  the degraded flips each replica derives from its window are no decisions. */
  private lastDecisionAt = Number.NEGATIVE_INFINITY;
  private ejectionCount = 0;
  private ejectedUntil: number | undefined;
  /** Start of the current stable period, from which the ejection count decays. */
  private stableSince: number;
  /** Start times of trial requests in flight while probing. */
  private trials: number[] = [];
  private coolDownUntil: number | undefined;
  private consecutiveRateLimits = 0;
  private panicPassUntil: number | undefined;

  constructor(options: DeploymentHealthOptions) {
    this.id = options.id;
    this.domains = [...(options.domains ?? [])];
    this.clock = options.clock;
    this.settings = options.settings;
    this.strategies = options.strategies ?? defaultBreakerStrategies(options.settings);
    this.onChange = options.onChange ?? (() => {});
    this.window = new OutcomeWindow(options.clock, {
      windowMs: options.settings.windowMs,
      bucketMs: options.settings.bucketMs,
    });
    this.waiting = new WaitingAttempts(options.settings);
    this.domainFirstToken = options.domainFirstToken ?? (() => undefined);
    this.currentSince = options.clock.now();
    this.stableSince = this.currentSince;
  }

  get state(): DeploymentState {
    this.evaluate();
    return this.currentState;
  }

  /** Applies every transition that the passing of time has made due. */
  evaluate(): void {
    const now = this.clock.now();
    if (this.coolDownUntil !== undefined && now >= this.coolDownUntil) this.coolDownUntil = undefined;
    if (this.currentState === 'ejected' && this.ejectedUntil !== undefined && now >= this.ejectedUntil) {
      const endedAt = this.ejectedUntil;
      this.trials = [];
      this.transition('probing', 'ejection time over: admitting trial requests', 'local', endedAt);
    }
    if (this.currentState === 'probing') {
      this.trials = this.trials.filter((startedAt) => now - startedAt < this.settings.probeTrialTimeoutMs);
    }
    this.decayEjectionCount(now);
    if (this.currentState === 'healthy' || this.currentState === 'degraded') {
      this.updateDegradation();
      this.checkWaiting(now);
    }
  }

  /** An attempt was admitted and sent; a watched one counts as waiting until it shows content (waiting-attempts.ts). */
  startAttempt(watched = true): number {
    return this.waiting.start(this.clock.now(), watched);
  }

  /** The attempt produced its first content. Ends a suspicion at once: the deployment is answering. */
  attemptProgressed(token: number): void {
    this.waiting.progressed(token, this.clock.now());
    // Attempts that started before the hang may still answer: only a waiting one (or a later one) clears it.
    if (this.suspect && this.currentState === 'ejected' && this.waiting.latestAnsweredStart() >= this.suspectSince) {
      this.readmit('a waiting request got its first token: no longer suspect', 'local', this.clock.now());
    }
  }

  attemptEnded(token: number): void {
    this.waiting.ended(token);
  }

  attemptAbandoned(token: number): void {
    this.waiting.abandoned(token);
  }

  /** Its own learned figures only (what a co-member of a domain may borrow). */
  ownFirstToken(): Percentiles | undefined {
    return this.waiting.learnedFirstToken(this.clock.now());
  }

  /** The learned time-to-first-token percentiles (of the last streaming first tokens), if any. */
  learnedFirstToken(): Percentiles | undefined {
    return this.waiting.learnedFirstToken(this.clock.now());
  }

  admit(): boolean {
    this.evaluate();
    const now = this.clock.now();
    const panic = this.panicPassUntil !== undefined && now <= this.panicPassUntil;
    this.panicPassUntil = undefined;
    if (this.currentState === 'isolated') return false;
    if (this.coolDownUntil !== undefined) return panic;
    switch (this.currentState) {
      case 'healthy':
      case 'degraded':
        this.run.noteAdmit(now);
        return true;
      case 'probing':
        if (this.trials.length < this.settings.probeTrials) {
          this.trials.push(now);
          this.run.noteAdmit(now);
          return true;
        }
        return panic;
      case 'ejected':
        return panic;
    }
  }

  record(outcome: AttemptOutcome): void {
    this.evaluate();
    this.window.record(outcome);
    const countsAgainstHealth = outcomePolicies[outcome.kind].countsAgainstHealth;
    const startedAt = this.clock.now() - Math.max(0, outcome.latencyMs);
    if (outcome.kind === 'success') this.run.recordSuccess(startedAt);
    else if (countsAgainstHealth)
      this.run.recordFailure(startedAt, isHardFailure(outcome.kind, outcome.status), this.clock.now());
    if (outcome.kind === 'rate-limited') this.noteRateLimit(outcome.retryAfterMs);
    else if (outcome.kind === 'success' || countsAgainstHealth) this.consecutiveRateLimits = 0;

    switch (this.currentState) {
      case 'probing':
        this.trials.shift();
        if (outcome.kind === 'success') this.readmit('trial request succeeded', 'local', this.clock.now());
        else if (countsAgainstHealth) this.eject(`trial request failed: ${describeFailure(outcome)}`, 'local');
        // Anything else (a client error, a 429) says nothing about recovery: stay probing.
        return;
      case 'healthy':
      case 'degraded': {
        // A success can also complete the minimum number of requests a failure rate needs.
        const judged = countsAgainstHealth || outcome.kind === 'success';
        const reason = judged ? this.ejectionReason() : undefined;
        if (reason) this.eject(countsAgainstHealth ? `${reason}; last: ${describeFailure(outcome)}` : reason, 'local');
        else this.updateDegradation();
        return;
      }
      case 'ejected':
      case 'isolated':
        // Late outcomes of attempts started earlier, or panic attempts: figures only, no decision.
        return;
    }
  }

  /** Operator isolation: nothing is admitted until release, whatever the outcomes. */
  isolate(reason = 'isolated by an operator', origin: ChangeOrigin = 'local', at = this.clock.now()): void {
    this.evaluate();
    this.trials = [];
    this.ejectedUntil = undefined;
    this.transition('isolated', reason, origin, at);
  }

  /** Ends an operator isolation (→ healthy, with a fresh window). Returns false when not isolated. */
  release(reason = 'released by an operator', origin: ChangeOrigin = 'local', at = this.clock.now()): boolean {
    this.evaluate();
    if (this.currentState !== 'isolated') return false;
    this.readmit(reason, origin, at);
    return true;
  }

  /**
   * Applies a decision another replica made. Decisions older than this deployment's latest change are
   * ignored (the newer one wins). `degraded` is never applied: each replica derives it from the window,
   * which covers the whole fleet once counts are shared. An isolated deployment only accepts `healthy`
   * (a release made on another replica). Returns whether anything changed.
   */
  applyRemote(change: RemoteStateChange): boolean {
    this.evaluate();
    if (!(change.at >= this.lastDecisionAt)) return false;
    // Only a release (healthy) ends an isolation, here as locally.
    if (this.currentState === 'isolated' && change.to !== 'healthy') return false;
    switch (change.to) {
      case 'ejected': {
        const count = clampCount(change.ejectionCount ?? this.ejectionCount + 1, this.maxEjectionCount());
        const until = change.ejectedUntil ?? change.at + this.ejectionTime(count);
        if (this.currentState === 'ejected') {
          this.ejectionCount = Math.max(this.ejectionCount, count);
          this.ejectedUntil = Math.max(this.ejectedUntil ?? until, until);
        } else {
          this.ejectionCount = count;
          this.ejectedUntil = until;
          this.suspect = false;
          this.trials = [];
          this.transition('ejected', change.reason, 'remote', change.at);
        }
        this.evaluate();
        return true;
      }
      case 'probing':
        if (this.currentState === 'probing') return false;
        this.ejectedUntil = undefined;
        this.trials = [];
        this.transition('probing', change.reason, 'remote', change.at);
        return true;
      case 'healthy':
        if (this.currentState === 'healthy' || this.currentState === 'degraded') return false;
        this.readmit(change.reason, 'remote', change.at);
        return true;
      case 'isolated':
        if (this.currentState === 'isolated') return false;
        this.isolate(change.reason, 'remote', change.at);
        return true;
      case 'degraded':
        return false;
    }
  }

  /** The fleet's consecutive-failure run (shared health): the breakers judge it at once. */
  applyFleetRun(consecutiveFailures: number, consecutiveHardFailures: number): void {
    this.evaluate();
    if (!this.run.adoptFleetRun(consecutiveFailures, consecutiveHardFailures)) return;
    if (this.currentState !== 'healthy' && this.currentState !== 'degraded') return;
    const reason = this.ejectionReason();
    if (reason) this.eject(`${reason} (across replicas)`, 'local');
  }

  /** Counts another replica recorded; the fleet-wide figures may call for an ejection on their own. */
  mergeRemoteCounts(bucketStartMs: number, counts: BucketCounts): boolean {
    const merged = this.window.mergeRemote(bucketStartMs, counts);
    this.evaluate();
    if (merged && (this.currentState === 'healthy' || this.currentState === 'degraded')) {
      const reason = this.ejectionReason();
      if (reason) this.eject(`${reason} (across replicas)`, 'local');
    }
    return merged;
  }

  takeLocalDelta(): BucketDelta[] {
    return this.window.takeLocalDelta();
  }

  /** Lets the next admit through whatever the state (except isolated): the panic fallback of order(). */
  grantPanicPass(): void {
    this.panicPassUntil = this.clock.now() + panicPassValidMs;
  }

  orderStatus(): OrderStatus {
    this.evaluate();
    const now = this.clock.now();
    if (this.currentState === 'isolated') return { group: 'excluded', availableAt: undefined };
    if (this.currentState === 'ejected') {
      return { group: 'excluded', availableAt: Math.max(this.ejectedUntil ?? now, this.coolDownUntil ?? now) };
    }
    if (this.coolDownUntil !== undefined) return { group: 'excluded', availableAt: this.coolDownUntil };
    if (this.currentState === 'probing') {
      const slotFree = this.trials.length < this.settings.probeTrials;
      return slotFree ? { group: 'probing', availableAt: undefined } : { group: 'excluded', availableAt: now };
    }
    return { group: this.currentState, availableAt: undefined };
  }

  /**
   * Counts toward its failure domains' degradation: ejected, probing, or degraded. As of the last
   * evaluation, on purpose: domains are re-evaluated from inside state-change events, where evaluating
   * another member would emit events in the middle of emitting one.
   */
  isAffected(): boolean {
    const state = this.currentState;
    return state === 'ejected' || state === 'probing' || state === 'degraded';
  }

  snapshot(): DeploymentHealthSnapshot {
    this.evaluate();
    const view = this.window.view();
    const ejected = this.currentState === 'ejected';
    return {
      id: this.id,
      state: this.currentState,
      reason: this.currentReason,
      since: this.currentSince,
      domains: [...this.domains],
      attempts: view.attempts,
      requests: view.requests,
      failureRate: view.failureRate,
      failuresByKind: { ...view.failuresByKind },
      consecutiveFailures: this.run.consecutiveFailures,
      latencyP50Ms: view.latency?.p50 ?? null,
      latencyP95Ms: view.latency?.p95 ?? null,
      timeToFirstTokenP50Ms: view.timeToFirstToken?.p50 ?? null,
      timeToFirstTokenP95Ms: view.timeToFirstToken?.p95 ?? null,
      ejectionCount: this.ejectionCount,
      ejectedUntil: ejected ? (this.ejectedUntil ?? null) : null,
      nextProbeAt: ejected ? (this.ejectedUntil ?? null) : null,
      probesInFlight: this.currentState === 'probing' ? this.trials.length : 0,
      coolDownUntil: this.coolDownUntil ?? null,
      waitingForFirstToken: this.waiting.count,
      learnedTimeToFirstTokenP99Ms: this.learnedFirstToken()?.p99 ?? null,
      suspectAfterMs: this.waiting.suspectAfterMs(this.clock.now(), this.domainFirstToken()),
    };
  }

  /** Recent median latency figures, for the latency routing policy. */
  recentLatency(): { timeToFirstTokenP50Ms?: number; latencyP50Ms?: number } {
    const { timeToFirstToken, latency } = this.window.view();
    return {
      ...(timeToFirstToken && { timeToFirstTokenP50Ms: timeToFirstToken.p50 }),
      ...(latency && { latencyP50Ms: latency.p50 }),
    };
  }

  breakerView(): BreakerView {
    return {
      // Breakers judge counts and runs; latency percentiles are not needed on every outcome.
      ...this.window.view(false),
      consecutiveFailures: this.run.consecutiveFailures,
      consecutiveHardFailures: this.run.consecutiveHardFailures,
      hardRunSpanMs: this.run.hardRunSpanMs(),
      failureRateBeforeRun: this.run.failureRateBeforeRun,
      attemptsSinceRunStart: this.run.attemptsSinceRunStart(),
    };
  }

  /** base × count, capped. */
  ejectionTime(count: number): number {
    return Math.min(this.settings.baseEjectionMs * count, this.settings.maxEjectionMs);
  }

  private ejectionReason(): string | undefined {
    const view = this.breakerView();
    for (const strategy of this.strategies) {
      const reason = strategy.shouldEject(view);
      if (reason) return reason;
    }
    return undefined;
  }

  private eject(reason: string, origin: ChangeOrigin, suspect = false): void {
    const now = this.clock.now();
    this.suspect = suspect;
    this.ejectionCount = clampCount(this.ejectionCount + 1, this.maxEjectionCount());
    this.ejectedUntil = now + this.ejectionTime(this.ejectionCount);
    this.trials = [];
    this.transition('ejected', reason, origin, now);
  }

  private readmit(reason: string, origin: ChangeOrigin, at: number): void {
    // The failures that led here must not eject the deployment again the moment it is back.
    this.window.reset();
    this.run.endRun();
    this.suspect = false;
    this.waiting.forgetWaiting();
    this.trials = [];
    this.ejectedUntil = undefined;
    this.stableSince = this.clock.now();
    this.transition('healthy', reason, origin, at);
  }

  /** Waiting requests past what the deployment usually takes, none answered since: suspect at once. */
  private checkWaiting(now: number): void {
    const oldest = this.waiting.oldestStart();
    if (oldest === undefined || now - oldest < this.settings.suspectFloorMs) return;
    const reason = this.waiting.suspicion(
      now,
      this.waiting.learnedFirstToken(now) ? undefined : this.domainFirstToken(),
    );
    if (!reason) return;
    this.suspectSince = oldest;
    this.eject(reason, 'local', true);
  }

  private updateDegradation(): void {
    const latencyMatters =
      this.settings.latencyP95ThresholdMs !== undefined || this.settings.timeToFirstTokenP95ThresholdMs !== undefined;
    const view = this.window.view(latencyMatters);
    const reason = degradationReason(view, this.settings);
    if (reason) this.transition('degraded', reason, 'local', this.clock.now());
    else if (this.currentState === 'degraded' && recoveredFromDegradation(view, this.settings)) {
      this.transition(
        'healthy',
        'failure rate and latency clearly back under the thresholds',
        'local',
        this.clock.now(),
      );
    }
  }

  /**
   * 429 with retry-after: cool down until then (capped). Without it, one 429 is no reason to stop
   * sending (the attempt loop backs off or fails over); rateLimitCoolDownAfter of them in a row are,
   * for a short rateLimitCoolDownMs, so a saturated quota is not hammered.
   */
  private noteRateLimit(retryAfterMs: number | undefined): void {
    const now = this.clock.now();
    this.consecutiveRateLimits += 1;
    let until: number | undefined;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      until = now + Math.min(retryAfterMs, this.settings.maxCoolDownMs);
    } else if (this.consecutiveRateLimits >= this.settings.rateLimitCoolDownAfter) {
      until = now + this.settings.rateLimitCoolDownMs;
      this.consecutiveRateLimits = 0;
    }
    if (until !== undefined) this.coolDownUntil = Math.max(this.coolDownUntil ?? until, until);
  }

  private decayEjectionCount(now: number): void {
    if (this.currentState === 'ejected' || this.currentState === 'probing') return;
    if (this.ejectionCount === 0) return;
    const steps = Math.floor((now - this.stableSince) / this.settings.ejectionDecayMs);
    if (steps <= 0) return;
    this.ejectionCount = Math.max(0, this.ejectionCount - steps);
    this.stableSince += steps * this.settings.ejectionDecayMs;
  }

  // Beyond this count the ejection time is capped anyway; a bounded count also decays in bounded time.
  private maxEjectionCount(): number {
    return Math.ceil(this.settings.maxEjectionMs / this.settings.baseEjectionMs);
  }

  private transition(to: DeploymentState, reason: string, origin: ChangeOrigin, at: number): void {
    const from = this.currentState;
    this.currentReason = reason;
    if (from === to) return;
    this.currentState = to;
    this.currentSince = at;
    const derivedFlip = to === 'degraded' || (from === 'degraded' && to === 'healthy');
    if (!derivedFlip) this.lastDecisionAt = Math.max(this.lastDecisionAt, at);
    const change: StateChange = { kind: 'deployment', id: this.id, from, to, reason, at, origin };
    if (to === 'ejected') {
      change.ejectedUntil = this.ejectedUntil;
      change.ejectionCount = this.ejectionCount;
    }
    this.onChange(change);
  }
}

function clampCount(count: number, max: number): number {
  return Math.min(Math.max(1, Math.floor(count)), max);
}

function describeFailure(outcome: AttemptOutcome): string {
  return outcome.status === undefined ? outcome.kind : `${outcome.kind} (${outcome.status})`;
}
