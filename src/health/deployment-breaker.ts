// The breaker lifecycle of one deployment: healthy ⇄ degraded → ejected → probing → healthy, plus
// isolated (operator) and a rate-limit cool-down that is not an outage. Time-based transitions (end
// of an ejection, end of a cool-down, decay of the ejection count, buckets ageing out of the window)
// are evaluated lazily from the injected clock on every call, so no timers exist and tests drive
// everything with a ManualClock. What other replicas decide and count is applied in deployment-health.ts.
import type { BreakerStrategy, BreakerView } from './breaker-strategy.js';
import { defaultBreakerStrategies } from './default-breaker-strategies.js';
import { degradationReason, recoveredFromDegradation } from './degradation-check.js';
import { EjectionBackoff } from './ejection-backoff.js';
import type { ChangeOrigin, DeploymentState, StateChange } from './deployment-state.js';
import { FailureRun } from './failure-run.js';
import { isHardFailure } from './hard-failure-run-strategy.js';
import type { Percentiles } from './latency-histogram.js';
import { type AttemptWatch, WaitingAttempts } from './waiting-attempts.js';
import { HangSuspicion } from './hang-suspicion.js';
import { ProbeTrials } from './probe-trials.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { HealthSettings } from './health-settings.js';
import { type DeploymentHealthSnapshot, deploymentSnapshot } from './health-snapshot.js';
import { OutcomeWindow, type HealthClock } from './outcome-window.js';
import { outcomePolicies } from './outcome-policy.js';
import { RateLimitCoolDown } from './rate-limit-cool-down.js';

/** How long a panic pass from order() stays valid: the caller admits right after ordering. */
export const panicPassValidMs = 1_000;

export interface DeploymentHealthOptions {
  id: string;
  domains?: readonly string[];
  clock: HealthClock;
  /** The clock waits for content are timed on (hang suspicion, learned first tokens); default `clock`. */
  waitClock?: HealthClock;
  settings: HealthSettings;
  strategies?: readonly BreakerStrategy[];
  onChange?: (change: StateChange) => void;
  /** What a deployment of the same failure domain learned, for one that has learned nothing itself. */
  domainFirstToken?: () => Percentiles | undefined;
  /** When the earliest hang suspicion among the co-members of its failure domains began (hang-suspicion.ts). */
  domainSuspectSince?: () => number | undefined;
}

/** Where a deployment goes in the candidate order, and for excluded ones when it may be tried again. */
export interface OrderStatus {
  group: 'healthy' | 'degraded' | 'probing' | 'excluded';
  /** Excluded only: when it is expected to be usable again; undefined for isolated (never in panic). */
  availableAt: number | undefined;
}

export class DeploymentBreaker {
  readonly id: string;
  readonly domains: readonly string[];
  readonly settings: HealthSettings;
  protected readonly clock: HealthClock;
  private readonly waitClock: HealthClock;
  protected readonly strategies: readonly BreakerStrategy[];
  private readonly onChange: (change: StateChange) => void;
  protected readonly window: OutcomeWindow;
  protected readonly run = new FailureRun();
  private readonly waiting: WaitingAttempts;
  protected readonly suspicion: HangSuspicion;
  private readonly domainFirstToken: () => Percentiles | undefined;

  protected currentState: DeploymentState = 'healthy';
  private currentReason = 'no outcomes yet';
  private currentSince: number;
  /** Last eject/probe/readmit/isolate here or remotely: older remote decisions are stale. Creation and
   *  the degraded flips each replica derives from its window are no decisions. */
  protected lastDecisionAt = Number.NEGATIVE_INFINITY;
  protected readonly backoff: EjectionBackoff;
  protected readonly trials: ProbeTrials;
  private readonly coolDown: RateLimitCoolDown;
  private panicPassUntil: number | undefined;

  constructor(options: DeploymentHealthOptions) {
    this.id = options.id;
    this.domains = [...(options.domains ?? [])];
    this.clock = options.clock;
    this.waitClock = options.waitClock ?? options.clock;
    this.settings = options.settings;
    this.strategies = options.strategies ?? defaultBreakerStrategies(options.settings);
    this.onChange = options.onChange ?? (() => {});
    this.window = new OutcomeWindow(options.clock, {
      windowMs: options.settings.windowMs,
      bucketMs: options.settings.bucketMs,
    });
    this.waiting = new WaitingAttempts(options.settings);
    this.domainFirstToken = options.domainFirstToken ?? (() => undefined);
    this.suspicion = new HangSuspicion(this.waiting, this.domainFirstToken, options.domainSuspectSince);
    this.trials = new ProbeTrials(options.settings);
    this.currentSince = options.clock.now();
    this.backoff = new EjectionBackoff(options.settings, this.currentSince);
    this.coolDown = new RateLimitCoolDown(options.settings);
  }

  get state(): DeploymentState {
    this.evaluate();
    return this.currentState;
  }

  /** Applies every transition that the passing of time has made due. */
  evaluate(): void {
    const now = this.clock.now();
    this.coolDown.expire(now);
    const ejectedUntil = this.backoff.until;
    if (this.currentState === 'ejected' && ejectedUntil !== undefined && now >= ejectedUntil) {
      const endedAt = ejectedUntil;
      this.trials.clear();
      this.transition('probing', 'ejection time over: admitting trial requests', 'local', endedAt);
    }
    if (this.currentState === 'probing') {
      this.trials.expire(now);
    }
    if (this.currentState !== 'ejected' && this.currentState !== 'probing') this.backoff.decay(now);
    if (this.currentState === 'healthy' || this.currentState === 'degraded') {
      this.updateDegradation();
      const suspicion = this.suspicion.reasonToSuspect(this.waitClock.now());
      if (suspicion) this.eject(suspicion, 'local', true);
    }
  }

  /** An attempt was admitted and sent; a watched one counts as waiting until it shows content (waiting-attempts.ts). */
  startAttempt(watch: AttemptWatch = 'first-token'): number {
    return this.waiting.start(this.waitClock.now(), watch);
  }

  /** The attempt produced its first content. Ends a suspicion at once: the deployment is answering. */
  attemptProgressed(token: number): void {
    this.waiting.progressed(token, this.waitClock.now());
    if (this.currentState === 'ejected' && this.suspicion.endedByProgress()) {
      this.readmit('a waiting request got its first token: no longer suspect', 'local', this.clock.now());
    }
  }

  attemptEnded(token: number): void {
    this.waiting.ended(token);
  }

  /** Another deployment answered first: the attempt's wait is evidence, and maybe a lost race (lost-races.ts). */
  attemptAbandoned(token: number): void {
    this.waiting.abandoned(token, this.waitClock.now(), this.domainFirstToken());
  }

  /** While it is out of rotation on a suspicion of hanging: when the oldest attempt of that suspicion started. */
  hangSuspectSince(): number | undefined {
    const out = this.currentState === 'ejected' || this.currentState === 'probing';
    return out ? this.suspicion.suspectSince() : undefined;
  }

  /** Its own learned figures only (what a co-member of a domain may borrow). */
  ownFirstToken(): Percentiles | undefined {
    return this.waiting.learnedFirstToken(this.waitClock.now());
  }

  /**
   * The learned time-to-first-token percentiles (of the last streaming first tokens); for a deployment
   * that has not served enough yet (a secondary), those of a co-member of its failure domain, so its
   * first-token limit and hedge delay are not the configured maximum just when its sibling hung.
   */
  learnedFirstToken(): Percentiles | undefined {
    return this.waiting.learnedFirstToken(this.waitClock.now()) ?? this.domainFirstToken();
  }

  /** The learned time to a whole non-streaming answer, if any (for hedging non-streaming requests). */
  learnedWholeAnswer(): Percentiles | undefined {
    return this.waiting.learnedWholeAnswer(this.waitClock.now());
  }

  /** Why the deployment is out of rotation now (ejected, isolated, held back), or undefined while it may serve. */
  outOfRotation(): string | undefined {
    const state = this.state;
    if (state === 'ejected' || state === 'isolated') return `${state}: ${this.currentReason}`;
    // Admitting nothing new while its own attempt waits beside a hung sibling, or after a lost race:
    // that attempt may well hang too.
    return this.suspicion.holdBackReason();
  }

  admit(): boolean {
    this.evaluate();
    const now = this.clock.now();
    const panic = this.panicPassUntil !== undefined && now <= this.panicPassUntil;
    this.panicPassUntil = undefined;
    if (this.currentState === 'isolated') return false;
    if (this.coolDown.until !== undefined) return panic;
    switch (this.currentState) {
      case 'healthy':
      case 'degraded':
        if (this.suspicion.holdBackReason()) return panic;
        this.run.noteAdmit(now);
        return true;
      case 'probing':
        if (this.trials.tryStart(now)) {
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
    if (outcome.kind === 'rate-limited') this.coolDown.noteRateLimit(outcome.retryAfterMs, this.clock.now());
    else if (outcome.kind === 'success' || countsAgainstHealth) this.coolDown.breakRun();

    switch (this.currentState) {
      case 'probing':
        this.trials.finishOne();
        if (outcome.kind === 'success') this.readmit('trial request succeeded', 'local', this.clock.now());
        else if (countsAgainstHealth) this.eject(`trial request failed: ${describeFailure(outcome)}`, 'local');
        // Anything else (a client error, a 429) says nothing about recovery: stay probing.
        return;
      case 'healthy':
      case 'degraded': {
        // A success can also complete the minimum number of requests a failure rate needs.
        const judged = countsAgainstHealth || outcome.kind === 'success';
        const reason = judged ? this.ejectionReason() : undefined;
        const hangs = reason ? undefined : this.suspicion.timedOutBesideHang(outcome.kind);
        if (reason) this.eject(countsAgainstHealth ? `${reason}; last: ${describeFailure(outcome)}` : reason, 'local');
        else if (hangs) this.eject(hangs, 'local', true);
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
    this.trials.clear();
    this.backoff.endEjection();
    this.transition('isolated', reason, origin, at);
  }

  /** Ends an operator isolation (→ healthy, with a fresh window). Returns false when not isolated. */
  release(reason = 'released by an operator', origin: ChangeOrigin = 'local', at = this.clock.now()): boolean {
    this.evaluate();
    if (this.currentState !== 'isolated') return false;
    this.readmit(reason, origin, at);
    return true;
  }

  /** Lets the next admit through whatever the state (except isolated): the panic fallback of order(). */
  grantPanicPass(): void {
    this.panicPassUntil = this.clock.now() + panicPassValidMs;
  }

  orderStatus(): OrderStatus {
    this.evaluate();
    const now = this.clock.now();
    if (this.currentState === 'isolated') return { group: 'excluded', availableAt: undefined };
    const coolDownUntil = this.coolDown.until;
    if (this.currentState === 'ejected') {
      // Out on a suspicion alone, nothing failed: a first token readmits it at once, the likelier the
      // younger the suspicion (one that has lasted seconds is a hang, not a blip).
      const ejectedUntil = this.suspicion.onSuspicion ? 2 * now - this.currentSince : (this.backoff.until ?? now);
      return { group: 'excluded', availableAt: Math.max(ejectedUntil, coolDownUntil ?? now) };
    }
    if (coolDownUntil !== undefined) return { group: 'excluded', availableAt: coolDownUntil };
    if (this.currentState === 'probing') {
      const slotFree = this.trials.hasFreeSlot();
      return slotFree ? { group: 'probing', availableAt: undefined } : { group: 'excluded', availableAt: now };
    }
    // Held back: after every deployment that may serve, and tried (a panic pick) when none may.
    if (this.suspicion.holdBackReason()) return { group: 'excluded', availableAt: now };
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
    return deploymentSnapshot({
      id: this.id,
      state: this.currentState,
      reason: this.currentReason,
      since: this.currentSince,
      domains: this.domains,
      window: this.window.view(),
      consecutiveFailures: this.run.consecutiveFailures,
      ejectionCount: this.backoff.count,
      ejectionEndsAt: this.backoff.until,
      probesInFlight: this.trials.inFlight,
      coolDownUntil: this.coolDown.until,
      waitingForFirstToken: this.waiting.count,
      learnedTimeToFirstTokenP99Ms: this.ownFirstToken()?.p99,
      suspectAfterMs: this.waiting.suspectAfterMs(this.waitClock.now(), this.domainFirstToken()),
    });
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

  protected ejectionReason(): string | undefined {
    const view = this.breakerView();
    for (const strategy of this.strategies) {
      const reason = strategy.shouldEject(view);
      if (reason) return reason;
    }
    return undefined;
  }

  protected eject(reason: string, origin: ChangeOrigin, suspect = false): void {
    const now = this.clock.now();
    this.suspicion.ejected(suspect);
    this.backoff.eject(now);
    this.trials.clear();
    this.transition('ejected', reason, origin, now);
  }

  protected readmit(reason: string, origin: ChangeOrigin, at: number): void {
    // The failures that led here must not eject the deployment again the moment it is back.
    this.window.reset();
    this.run.endRun();
    this.suspicion.clear();
    this.waiting.forgetWaiting();
    this.trials.clear();
    this.backoff.endEjection();
    this.backoff.startStablePeriod(this.clock.now());
    this.transition('healthy', reason, origin, at);
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

  protected transition(to: DeploymentState, reason: string, origin: ChangeOrigin, at: number): void {
    const from = this.currentState;
    this.currentReason = reason;
    if (from === to) return;
    this.currentState = to;
    this.currentSince = at;
    const derivedFlip = to === 'degraded' || (from === 'degraded' && to === 'healthy');
    if (!derivedFlip) this.lastDecisionAt = Math.max(this.lastDecisionAt, at);
    const change: StateChange = { kind: 'deployment', id: this.id, from, to, reason, at, origin };
    if (to === 'ejected') {
      change.ejectedUntil = this.backoff.until;
      change.ejectionCount = this.backoff.count;
    }
    this.onChange(change);
  }
}

function describeFailure(outcome: AttemptOutcome): string {
  return outcome.status === undefined ? outcome.kind : `${outcome.kind} (${outcome.status})`;
}
