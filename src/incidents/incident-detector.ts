// Turns health state changes (local and remote) and the request path's published facts into
// incidents: opened when a deployment is ejected, degraded longer than a grace period, or when a
// failure domain degrades; grouped under a domain or provider incident; escalated when things get
// worse; resolved once the scope has been healthy for a while. Synchronous and timer-free: time comes
// from the injected clock and is evaluated on every event and on tick() (the owner calls it every second).
import type { StateChange } from '../health/deployment-state.js';
import type { AttemptEvent, RequestEvent } from '../observability/channels.js';
import type { Clock } from '../util/clock.js';
import { acknowledgeUpTheGrouping } from './acknowledge-incident.js';
import { describeDuration } from './describe-duration.js';
import { isClientFacingFailure, type AttemptFact, type RequestFact } from './evidence-accumulator.js';
import { FailingPeriods } from './failing-periods.js';
import { type DeploymentPlacement, type HealthSource, HealthReading, isFailingState } from './health-reading.js';
import { describeScope, isFailingMember, severityOf } from './scope-rules.js';
import {
  higherSeverity,
  scopeKeyOf,
  severityRank,
  type Incident,
  type IncidentScope,
  type IncidentTransition,
  type IncidentTransitionListener,
  type IncidentTransitionType,
  type ScopeRef,
  type StatusPageAcknowledgement,
  type StatusPageRecord,
} from './incident.js';
import { IncidentBook } from './incident-book.js';
import { noteRecovery, resolveDue } from './incident-recovery.js';
import { incidentIdOf } from './incident-identity.js';
import { IncidentTransitions } from './incident-transitions.js';
import { TrackedIncident } from './tracked-incident.js';

export const defaultGracePeriodMs = 30_000;
export const defaultResolvePeriodMs = 60_000;

export interface IncidentDetectorOptions {
  clock: Pick<Clock, 'now'>;
  /** Health's own state (the HealthTracker): read on every evaluation, never copied. */
  health: HealthSource;
  /** Every configured deployment with its provider. */
  deployments: readonly DeploymentPlacement[];
  /** How long a deployment may stay degraded before an incident opens (default 30 s). */
  gracePeriodMs?: number;
  /** How long a scope must stay healthy before its incident resolves (default 60 s). */
  resolvePeriodMs?: number;
  /** A failure further than this from the previous one starts a new failing period (default 120 s). */
  evidenceWindowMs?: number;
  /** Failing deployments of one provider that open a provider incident over them (default 2). */
  providerGroupThreshold?: number;
  /** How long a resolved incident can still take a status-page acknowledgement (default 1 h). */
  acknowledgementLookbackMs?: number;
  /** Default: the hash of the scope key and when the failure began, the same on every replica. */
  newId?: (scopeKey: string, beganAt: number) => string;
  /** Called when a transition listener throws: the detector never fails because of a subscriber. */
  onListenerError?: (error: unknown, transition: IncidentTransition) => void;
}

export class IncidentDetector {
  private readonly periods: FailingPeriods;
  private providers: Map<string, string>;
  /** Health as read for the current evaluation; states change only through events, which drop it. */
  private reading: HealthReading | undefined;
  private readonly gracePeriodMs: number;
  private readonly resolvePeriodMs: number;
  private readonly providerGroupThreshold: number;
  private readonly book = new IncidentBook();
  private readonly transitions: IncidentTransitions;
  private readonly changed = new Set<TrackedIncident>();

  constructor(private readonly options: IncidentDetectorOptions) {
    this.periods = new FailingPeriods(options.evidenceWindowMs ?? 120_000);
    this.providers = new Map(options.deployments.map((deployment) => [deployment.id, deployment.provider]));
    this.gracePeriodMs = options.gracePeriodMs ?? defaultGracePeriodMs;
    this.resolvePeriodMs = options.resolvePeriodMs ?? defaultResolvePeriodMs;
    this.providerGroupThreshold = options.providerGroupThreshold ?? 2;
    this.transitions = new IncidentTransitions(options.onListenerError);
  }

  /** A reload's deployments: where each one sits (its provider) from now on; open incidents stay as they are. */
  reconfigure(deployments: readonly DeploymentPlacement[]): void {
    this.providers = new Map(deployments.map((deployment) => [deployment.id, deployment.provider]));
    this.reading = undefined;
  }

  /** Subscribes to opened / escalated / resolved / status-page-acknowledged; returns the unsubscribe function. */
  onTransition(listener: IncidentTransitionListener): () => void {
    return this.transitions.subscribe(listener);
  }

  handleStateChange(change: StateChange): void {
    this.reading = undefined;
    this.noteStateChange(change, change.from);
    this.evaluate();
  }

  /** Health as it is now (read once, until the next state change or tick). */
  private get view(): HealthReading {
    if (!this.reading) {
      const providers = new Map([...this.periods.providersSeen, ...this.providers]);
      this.reading = new HealthReading(this.options.health.snapshot(), providers, this.options.clock.now());
    }
    return this.reading;
  }

  /** An attempt from the attempt channel (a publisher may add `message` and `status`). */
  recordAttempt(event: AttemptEvent & { message?: string; status?: number }): void {
    const fact: AttemptFact = { ...event, at: this.options.clock.now() };
    const covering = this.book.covering(fact.deployment);
    this.periods.recordAttempt(fact, this.view, covering.length > 0);
    for (const incident of covering) {
      incident.evidence.recordAttempt(fact);
      this.changed.add(incident);
    }
  }

  /** A client request from the request channel: where traffic went while something was failing. */
  recordRequest(event: Pick<RequestEvent, 'route' | 'succeeded' | 'status' | 'deployment' | 'failedOver'>): void {
    const fact: RequestFact = { ...event, at: this.options.clock.now() };
    this.periods.recordRequest(fact, this.view);
    for (const incident of this.book.openIncidents()) {
      if (!incident.evidence.hasRoute(fact.route)) continue;
      incident.evidence.recordRequest(fact, (deployment) => isFailingMember(this.view, incident, deployment));
      this.changed.add(incident);
    }
    // Only a failure the client saw can change a severity; this runs on the request path, keep it cheap.
    if (isClientFacingFailure(fact)) this.evaluate();
  }

  /** Evaluates what the passing of time made due (grace periods, resolve periods). Call every second. */
  tick(): void {
    this.reading = undefined;
    this.evaluate();
  }

  /**
   * Records the provider's status page acknowledging an incident on a scope (a deployment or domain the
   * page's component maps to), with lead time = acknowledgedAt − detectedAt. Returns the record of
   * the incident found (or null when none matches). Only the first acknowledgement counts.
   */
  recordStatusPageAcknowledgement(
    target: ScopeRef,
    acknowledgement: StatusPageAcknowledgement,
  ): StatusPageRecord | null {
    const incident = this.book.findForAcknowledgement(target);
    if (!incident) return null;
    for (const acknowledged of acknowledgeUpTheGrouping(incident, acknowledgement))
      this.enqueue('status-page-acknowledged', 1, acknowledged);
    this.transitions.scheduleFlush();
    return incident.statusPage;
  }

  /** Takes the identity other replicas gave this scope's incident (one of them may have opened it first). */
  adopt(localId: string, stored: Incident): void {
    const incident = this.book.findById(localId);
    if (!incident) return;
    incident.id = stored.id;
    incident.detectedAt = Math.min(incident.detectedAt, stored.detectedAt);
    incident.adoptedFirstFailedAt = stored.firstFailedAt;
    incident.severity = higherSeverity(incident.severity, stored.severity);
    incident.alerting = stored.alerting;
    incident.statusPage ??= stored.statusPage;
  }

  incident(ref: ScopeRef): Incident | undefined {
    return this.book.openAt(ref)?.snapshot();
  }

  openIncidents(): Incident[] {
    return this.book.openIncidents().map((incident) => incident.snapshot());
  }

  recentlyResolved(): Incident[] {
    return this.book.resolvedIncidents().map((incident) => incident.snapshot());
  }

  /** Incidents whose evidence or timeline changed since the last call, for periodic persistence. */
  takeChanged(): Incident[] {
    const changed = [...this.changed].map((incident) => incident.snapshot());
    this.changed.clear();
    return changed;
  }

  /** Emits queued transitions now (otherwise they leave on the next microtask). */
  flush(): void {
    this.transitions.flush();
  }

  /** A timeline entry on every open incident the change concerns. */
  private noteStateChange(change: StateChange, previous: string): void {
    const isDeployment = change.kind === 'deployment';
    const reason = (isDeployment ? this.view.deployment(change.id) : this.view.domain(change.id))?.reason ?? '';
    const message = `${isDeployment ? change.id : `domain ${change.id}`}: ${previous} → ${change.to} (${reason})`;
    const domainIncident = isDeployment ? undefined : this.book.openAt({ scope: 'domain', key: change.id });
    const concerned = isDeployment ? this.book.covering(change.id) : domainIncident ? [domainIncident] : [];
    for (const incident of concerned) {
      if (isDeployment && isFailingState(change.to)) incident.evidence.noteDeployment(change.id);
      incident.addUpdate({ at: change.at, type: 'state-change', message });
      this.changed.add(incident);
    }
  }

  private evaluate(): void {
    const now = this.options.clock.now();
    this.openDomainIncidents(now);
    this.openDeploymentIncidents(now);
    this.groupByProvider(now);
    for (const incident of this.book.openIncidents()) {
      if (noteRecovery(this.view, incident, now, this.resolvePeriodMs)) this.changed.add(incident);
      this.escalate(incident, now);
    }
    for (const incident of resolveDue(this.book, now, this.resolvePeriodMs)) this.enqueue('resolved', 1, incident);
    const lookback = this.options.acknowledgementLookbackMs ?? 3_600_000;
    for (const forgotten of this.book.forgetResolvedBefore(now, lookback)) this.changed.delete(forgotten);
    this.transitions.scheduleFlush();
  }

  private openDomainIncidents(now: number): void {
    for (const [name, condition] of this.view.degradedDomains()) {
      if (this.book.openAt({ scope: 'domain', key: name })) continue;
      const members = this.view.membersOfDomain(name);
      // A domain of one deployment says nothing its deployment incident does not.
      if (members.length < 2) continue;
      const incident = this.openIncident(
        'domain',
        name,
        `failure domain ${name} degraded`,
        members,
        null,
        now,
        condition.reason,
        condition.since,
      );
      for (const member of members) {
        const child = this.book.openAt({ scope: 'deployment', key: member });
        if (child && child.parent?.scope !== 'domain') this.group(child, incident, now);
      }
    }
  }

  private openDeploymentIncidents(now: number): void {
    for (const id of this.view.failingDeployments()) {
      if (this.book.openAt({ scope: 'deployment', key: id })) continue;
      const condition = this.view.deployment(id);
      // Degraded (slow, some errors) is often transient: only its persistence is worth an incident.
      if (condition.state === 'degraded' && now - condition.since < this.gracePeriodMs) continue;
      const parent = this.parentFor(id);
      const what =
        condition.state === 'degraded' ? `degraded for ${describeDuration(now - condition.since)}` : 'ejected';
      this.openIncident(
        'deployment',
        id,
        `deployment ${id} ${what}`,
        [id],
        parent,
        now,
        `${id} ${condition.state}: ${condition.reason}`,
        condition.since,
      );
      parent?.addUpdate({ at: now, type: 'grouped', message: `deployment ${id} ${condition.state}` });
    }
  }

  // Two or more deployments of one provider failing outside any degraded domain: one provider incident over them.
  private groupByProvider(now: number): void {
    const byProvider = new Map<string, TrackedIncident[]>();
    for (const incident of this.book.openIncidents()) {
      if (incident.scope !== 'deployment' || !this.view.isFailing(incident.key) || incident.parent?.scope === 'domain')
        continue;
      const provider = this.view.providerOf(incident.key);
      if (provider !== undefined) byProvider.set(provider, [...(byProvider.get(provider) ?? []), incident]);
    }
    for (const [provider, children] of byProvider) {
      let parent = this.book.openAt({ scope: 'provider', key: provider });
      if (!parent) {
        if (children.length < this.providerGroupThreshold) continue;
        const members = this.view.deploymentsOfProvider(provider);
        const failing = children.map((child) => child.key).join(', ');
        parent = this.openIncident(
          'provider',
          provider,
          `provider ${provider}: ${children.length} deployments failing`,
          members,
          null,
          now,
          `failing: ${failing}`,
          Math.min(...children.map((child) => this.view.deployment(child.key).since)),
        );
      }
      for (const child of children) if (child.parent === null) this.group(child, parent, now);
    }
  }

  private openIncident(
    scope: IncidentScope,
    key: string,
    title: string,
    members: readonly string[],
    parent: TrackedIncident | null,
    now: number,
    reason: string,
    /** When health says the failure began: with the scope, what names the incident on every replica. */
    beganAt: number,
  ): TrackedIncident {
    const incident = new TrackedIncident({
      id: (this.options.newId ?? incidentIdOf)(scopeKeyOf({ scope, key }), beganAt),
      scope,
      key,
      title,
      severity: 'minor',
      detectedAt: now,
      members,
      parent,
    });
    // The failing period started before detection: start from every member's evidence so far.
    for (const member of members) {
      const run = this.periods.activeRun(member, this.view, now);
      if (run) incident.evidence.merge(run);
      if (this.view.isFailing(member)) incident.evidence.noteDeployment(member);
    }
    incident.severity = severityOf(this.view, incident);
    incident.addUpdate({ at: now, type: 'opened', message: reason, severity: incident.severity });
    this.book.add(incident);
    this.enqueue('opened', 1, incident);
    return incident;
  }

  private group(child: TrackedIncident, parent: TrackedIncident, now: number): void {
    child.parent = parent;
    // Opened in the same moment as its parent (one health event): the parent's alert covers it.
    if (!this.transitions.isAnnounced(child)) child.alerting = false;
    child.addUpdate({ at: now, type: 'grouped', message: `grouped under ${parent.scope} ${parent.key}` });
    parent.addUpdate({ at: now, type: 'grouped', message: `${child.key}: ${child.title}` });
    this.changed.add(child);
  }

  private parentFor(deploymentId: string): TrackedIncident | null {
    for (const name of this.view.domainsOf(deploymentId)) {
      const domain = this.book.openAt({ scope: 'domain', key: name });
      if (domain) return domain;
    }
    const provider = this.view.providerOf(deploymentId);
    return provider === undefined ? null : (this.book.openAt({ scope: 'provider', key: provider }) ?? null);
  }

  private escalate(incident: TrackedIncident, now: number): void {
    const target = severityOf(this.view, incident);
    if (severityRank(target) <= severityRank(incident.severity)) return;
    const from = incident.severity;
    incident.severity = target;
    if (incident.scope === 'deployment' && this.view.deployment(incident.key).state !== 'degraded')
      incident.title = `deployment ${incident.key} ejected`;
    const why = incident.evidence.hasClientFailures ? 'client requests failed' : describeScope(this.view, incident);
    incident.addUpdate({ at: now, type: 'escalated', message: `${from} → ${target}: ${why}`, severity: target });
    this.changed.add(incident);
    // Not yet announced: the opening itself carries the higher severity.
    if (this.transitions.isAnnounced(incident)) this.enqueue('escalated', severityRank(target), incident);
  }

  private enqueue(type: IncidentTransitionType, sequence: number, incident: TrackedIncident): void {
    this.transitions.enqueue(type, sequence, this.options.clock.now(), incident);
    this.changed.add(incident);
  }
}
