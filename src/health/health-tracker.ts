// The health of every deployment, behind the two calls the request path makes (admit, record), plus
// the candidate order, operator isolation, a snapshot for the admin API, state-change events for
// incidents, and the hooks a shared store uses to spread counts and decisions across replicas. Pure and
// deterministic: no timers, no I/O; time comes from the injected clock.
import type { HealthClock } from './outcome-window.js';
import type { BreakerStrategy } from './breaker-strategy.js';
import type { BucketCounts } from './bucket-counts.js';
import { orderCandidates, type CandidateStatus } from './candidate-order.js';
import { DeploymentHealth } from './deployment-health.js';
import type { RemoteStateChange, StateChange, StateChangeListener } from './deployment-state.js';
import { FailureDomains } from './failure-domains.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { type AttemptSlot, type HealthGate, type InFlightAttempt, unreservedSlot } from './health-gate.js';
import type { Percentiles } from './latency-histogram.js';
import { resolveHealthSettings, type HealthSettings } from './health-settings.js';
import type { HealthSnapshot } from './health-snapshot.js';

export interface TrackedDeployment {
  id: string;
  domains: readonly string[];
  settings?: Partial<HealthSettings>;
}

export interface HealthTrackerOptions {
  deployments: readonly TrackedDeployment[];
  clock: HealthClock;
  /** Waits for a first token are timed on it: it stands still while the gateway's loop is stalled. */
  waitClock?: HealthClock;
  /** Settings every deployment starts from (over the built-in defaults); each may override them. */
  defaults?: Partial<HealthSettings>;
  /** Affected members that degrade a failure domain (default 2, or all members when fewer). */
  domainThreshold?: number;
  /** The breaker strategies of one deployment; default: defaultBreakerStrategies(settings). */
  strategies?: (settings: HealthSettings, deploymentId: string) => BreakerStrategy[];
  /** Called when a state-change listener throws: health never fails because of a subscriber. */
  onListenerError?: (error: unknown, change: StateChange) => void;
}

/** How a shared store hands out and takes back fleet-wide attempt slots (redis-health-share.ts). */
export interface FleetSlots {
  /** Undefined when refused; the refusal's run is applied to the tracker by the store. */
  reserve(id: string, limit: number): Promise<AttemptSlot | undefined>;
  /** The attempt showed content: its slot is free again (its outcome gives it back otherwise). */
  release(id: string, slot: AttemptSlot): void;
}

export type OutcomeListener = (id: string, outcome: AttemptOutcome, slot?: AttemptSlot) => void;

export interface LocalCountsDelta {
  id: string;
  bucketStartMs: number;
  counts: BucketCounts;
}

export class HealthTracker implements HealthGate {
  private readonly deployments = new Map<string, DeploymentHealth>();
  private readonly domains: FailureDomains;
  private readonly listeners = new Set<StateChangeListener>();
  private readonly outcomeListeners = new Set<OutcomeListener>();
  private fleetSlots: FleetSlots | undefined;

  constructor(private readonly options: HealthTrackerOptions) {
    this.domains = new FailureDomains(options.clock, options.domainThreshold, (change) => this.emit(change));
    for (const deployment of options.deployments) {
      if (this.deployments.has(deployment.id)) throw new Error(`deployment ${deployment.id} is listed twice`);
      this.register(deployment.id, deployment.domains, deployment.settings);
    }
  }

  has(id: string): boolean {
    return this.deployments.has(id);
  }

  admit(id: string): boolean {
    return this.deployment(id).admit();
  }

  record(id: string, outcome: AttemptOutcome, slot?: AttemptSlot): void {
    this.deployment(id).record(outcome);
    for (const listener of this.outcomeListeners) listener(id, outcome, slot);
  }

  /**
   * A fleet-wide slot for an admitted attempt, from the shared store when there is one, limited by the
   * run at which this deployment's breakers eject; a refused attempt gives its admit back (a retry,
   * `ownAdmit: false`, has none: giving one back would undo another request's).
   */
  reserve(id: string, ownAdmit = true): AttemptSlot | undefined | Promise<AttemptSlot | undefined> {
    const fleet = this.fleetSlots;
    if (!fleet) return unreservedSlot;
    const deployment = this.deployment(id);
    const limit = deployment.ejectingRun();
    if (limit === undefined) return unreservedSlot;
    return fleet.reserve(id, limit).then((slot) => {
      if (!slot && ownAdmit) deployment.giveBackAdmit();
      return slot;
    });
  }

  giveBack(id: string, slot: AttemptSlot): void {
    this.deployment(id).giveBackAdmit();
    if (slot.reservation !== undefined) this.fleetSlots?.release(id, slot);
  }

  /** A shared store's slots (undefined: none, every admitted attempt is sent). */
  useFleetSlots(slots: FleetSlots | undefined): void {
    this.fleetSlots = slots;
  }

  /** Subscribes to every recorded outcome (a shared store keeps the fleet's failure runs); returns the unsubscribe. */
  onOutcome(listener: OutcomeListener): () => void {
    this.outcomeListeners.add(listener);
    return () => {
      this.outcomeListeners.delete(listener);
    };
  }

  /** The fleet-wide consecutive-failure run of a deployment, as a shared store keeps it. */
  applyFleetRun(id: string, consecutiveFailures: number, consecutiveHardFailures: number): void {
    this.deployments.get(id)?.applyFleetRun(consecutiveFailures, consecutiveHardFailures);
  }

  start(id: string, options?: { patient?: boolean; stream?: boolean; slot?: AttemptSlot }): InFlightAttempt {
    const deployment = this.deployment(id);
    const patient = options?.patient ?? false;
    const stream = options?.stream ?? true;
    const slot = options?.slot;
    const token = deployment.startAttempt(patient ? 'none' : stream ? 'first-token' : 'whole-answer');
    return {
      firstContent: () => {
        deployment.attemptProgressed(token);
        if (slot?.reservation !== undefined) this.fleetSlots?.release(id, slot);
      },
      end: () => deployment.attemptEnded(token),
      abandon: () => deployment.attemptAbandoned(token),
    };
  }

  firstTokenFigures(id: string): Percentiles | undefined {
    return this.deployment(id).learnedFirstToken();
  }

  wholeAnswerFigures(id: string): Percentiles | undefined {
    return this.deployment(id).learnedWholeAnswer();
  }

  outOfRotation(id: string): string | undefined {
    return this.deployments.get(id)?.outOfRotation();
  }

  /**
   * Candidate order for one request: healthy → degraded → probing; ejected, isolated and cooling-down
   * ones left out; members of a degraded domain after every deployment outside it; the given order kept
   * within each group. Panic: when every candidate would be left out, the one most likely to have
   * healed (earliest end of ejection or cool-down; isolated never) is returned, and its next admit
   * (within a second) is let through, so the request is tried rather than failed outright.
   */
  order(ids: readonly string[]): string[] {
    const candidates = ids.map((id) => this.deployment(id));
    for (const deployment of candidates) {
      deployment.evaluate();
      // Co-members decide whether a domain is degraded: bring their time-based transitions up to date.
      for (const name of deployment.domains) {
        for (const member of this.domains.membersOf(name)) this.deployments.get(member)?.evaluate();
      }
    }
    const statuses: CandidateStatus[] = candidates.map((deployment) => {
      const status = deployment.orderStatus();
      return {
        id: deployment.id,
        group: status.group,
        availableAt: status.availableAt,
        inDegradedDomain: deployment.domains.some((name) => this.domains.isDegraded(name)),
      };
    });
    const result = orderCandidates(statuses);
    if (result.panic !== undefined) this.deployments.get(result.panic)?.grantPanicPass();
    return result.ids;
  }

  isolate(id: string, reason?: string): void {
    this.known(id).isolate(reason);
  }

  /** Ends an operator isolation (→ healthy). Returns false when the deployment was not isolated. */
  release(id: string): boolean {
    return this.known(id).release();
  }

  snapshot(): HealthSnapshot {
    for (const deployment of this.deployments.values()) deployment.evaluate();
    return {
      deployments: [...this.deployments.values()].map((deployment) => deployment.snapshot()),
      domains: this.domains.snapshot(),
    };
  }

  /** Subscribes to every deployment and domain state change; returns the unsubscribe function. */
  onStateChange(listener: StateChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Applies a state decision another replica made. The resulting events carry origin 'remote', so a
   * shared store that publishes only local changes never echoes a decision back. Returns whether the
   * decision changed anything (stale ones, older than the latest local change, are ignored).
   */
  applyRemoteState(change: RemoteStateChange): boolean {
    return this.deployment(change.id).applyRemote(change);
  }

  /** Merges outcome counts other replicas recorded, so the window covers the whole fleet. */
  mergeRemoteCounts(id: string, bucketStartMs: number, counts: BucketCounts): boolean {
    return this.deployment(id).mergeRemoteCounts(bucketStartMs, counts);
  }

  /** What this replica recorded since the last call, per deployment and bucket, for publishing. */
  takeLocalDeltas(): LocalCountsDelta[] {
    const deltas: LocalCountsDelta[] = [];
    for (const deployment of this.deployments.values()) {
      for (const delta of deployment.takeLocalDelta()) deltas.push({ id: deployment.id, ...delta });
    }
    return deltas;
  }

  /** Recent median latency figures of a deployment, for the latency routing policy. */
  recentLatency(id: string): { timeToFirstTokenP50Ms?: number; latencyP50Ms?: number } {
    return this.known(id).recentLatency();
  }

  /** The settings a deployment runs with (defaults and its overrides resolved). */
  settingsOf(id: string): HealthSettings {
    return { ...this.known(id).settings };
  }

  /**
   * A config reload: deployments no longer listed are forgotten, new ones and those named in `fresh`
   * (their settings changed) start from nothing, and every other one keeps what it learned.
   */
  reconfigure(deployments: readonly TrackedDeployment[], fresh: ReadonlySet<string>): void {
    const listed = new Set(deployments.map((deployment) => deployment.id));
    for (const id of [...this.deployments.keys()]) {
      if (listed.has(id) && !fresh.has(id)) continue;
      this.deployments.delete(id);
      this.domains.removeMember(id);
    }
    for (const deployment of deployments) {
      if (!this.deployments.has(deployment.id)) this.register(deployment.id, deployment.domains, deployment.settings);
    }
    for (const name of this.domains.names()) {
      this.domains.evaluate(name, (member) => this.deployments.get(member)?.isAffected() ?? false);
    }
  }

  private register(id: string, domains: readonly string[], settings?: Partial<HealthSettings>): DeploymentHealth {
    const resolved = resolveHealthSettings(this.options.defaults, settings);
    const deployment = new DeploymentHealth({
      id,
      domains,
      clock: this.options.clock,
      ...(this.options.waitClock ? { waitClock: this.options.waitClock } : {}),
      settings: resolved,
      strategies: this.options.strategies?.(resolved, id),
      domainFirstToken: () => this.domainFirstToken(id, domains),
      domainSuspectSince: () => this.domainSuspectSince(id, domains),
      onChange: (change) => this.onDeploymentChange(deployment, change),
    });
    this.deployments.set(id, deployment);
    this.domains.addMember(id, domains);
    return deployment;
  }

  /** The learned first-token figures of the first co-member of a failure domain that has some. */
  private domainFirstToken(id: string, domains: readonly string[]): Percentiles | undefined {
    for (const name of domains) {
      for (const member of this.domains.membersOf(name)) {
        if (member === id) continue;
        const figures = this.deployments.get(member)?.ownFirstToken();
        if (figures) return figures;
      }
    }
    return undefined;
  }

  /** The earliest start of a hang suspicion among the co-members of its failure domains, if any. */
  private domainSuspectSince(id: string, domains: readonly string[]): number | undefined {
    let since: number | undefined;
    for (const name of domains) {
      for (const member of this.domains.membersOf(name)) {
        if (member === id) continue;
        const start = this.deployments.get(member)?.hangSuspectSince();
        if (start !== undefined) since = Math.min(since ?? start, start);
      }
    }
    return since;
  }

  // A deployment the configuration did not list (a route edited at runtime) is tracked with the
  // defaults rather than refused: the request path must never fail because health lacks an entry.
  private deployment(id: string): DeploymentHealth {
    return this.deployments.get(id) ?? this.register(id, []);
  }

  private known(id: string): DeploymentHealth {
    const deployment = this.deployments.get(id);
    if (!deployment) throw new RangeError(`unknown deployment ${id}`);
    return deployment;
  }

  private onDeploymentChange(deployment: DeploymentHealth, change: StateChange): void {
    this.emit(change);
    for (const name of deployment.domains) {
      this.domains.evaluate(name, (member) => this.deployments.get(member)?.isAffected() ?? false);
    }
  }

  private emit(change: StateChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.options.onListenerError?.(error, change);
      }
    }
  }
}
