// Gathers the evidence of one failing period from the facts the request path publishes: failing
// attempts (kinds, counts, messages, routes), and requests on the affected routes that other
// deployments answered (where traffic failed over) or that failed for the client.
import type { FailureKind, OutcomeKind } from '../canonical/errors.js';
import type { AttemptEvent } from '../observability/channels.js';
import { outcomePolicies } from '../health/outcome-policy.js';
import { emptyEvidence, type IncidentEvidence } from './incident.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import { truncateMessage } from '../util/wire-values.js';

const maximumSampleErrors = 5;

/** One attempt as the detector sees it: the published attempt plus when it was observed. */
export interface AttemptFact extends AttemptEvent {
  at: number;
}

/** One client request as the detector sees it (a RequestEvent plus when it was observed). */
export interface RequestFact {
  route: string;
  succeeded: boolean;
  status: number;
  /** The deployment that answered (absent when none did). */
  deployment?: string;
  failedOver: boolean;
  at: number;
}

/** Upstream trouble: what counts against health, plus rate limits (not an outage, but worth showing). */
export function isUpstreamFailure(kind: OutcomeKind): kind is FailureKind {
  return kind !== 'success' && (outcomePolicies[kind].countsAgainstHealth || kind === 'rate-limited');
}

/** A request the client did not get a full answer to because of upstreams (not its own 4xx or its disconnect). */
export function isClientFacingFailure(request: RequestFact): boolean {
  if (request.succeeded) return false;
  if (request.status === 499) return false;
  return request.status >= 500 || request.status === 429 || request.status < 400;
}

export class EvidenceAccumulator {
  firstFailedAt: number | null = null;
  lastFailedAt: number | null = null;
  private attempts = 0;
  private failedAttempts = 0;
  private readonly failuresByKind = new Map<FailureKind, number>();
  private readonly sampleErrors: string[] = [];
  private readonly routes = new Set<string>();
  private readonly deployments = new Set<string>();
  private failoverRequests = 0;
  private failoverAfterFailedAttempt = 0;
  private readonly servedBy = new Map<string, number>();
  private clientFailures = 0;

  get hasClientFailures(): boolean {
    return this.clientFailures > 0;
  }

  hasRoute(route: string): boolean {
    return this.routes.has(route);
  }

  recordAttempt(attempt: AttemptFact): void {
    this.attempts += 1;
    if (!isUpstreamFailure(attempt.kind)) return;
    this.failedAttempts += 1;
    this.failuresByKind.set(attempt.kind, (this.failuresByKind.get(attempt.kind) ?? 0) + 1);
    this.routes.add(attempt.route);
    this.deployments.add(attempt.deployment);
    if (this.firstFailedAt === null || attempt.at < this.firstFailedAt) this.firstFailedAt = attempt.at;
    if (this.lastFailedAt === null || attempt.at > this.lastFailedAt) this.lastFailedAt = attempt.at;
    const status = attempt.status !== undefined ? ` ${attempt.status}` : '';
    const text = attempt.message ? `${attempt.kind}${status}: ${attempt.message}` : undefined;
    if (text) this.addSample(text);
  }

  /** A request on an affected route: answered elsewhere (failover) or failed for the client. */
  recordRequest(request: RequestFact, isMember: (deploymentId: string) => boolean): void {
    if (request.succeeded && request.deployment !== undefined && !isMember(request.deployment)) {
      this.failoverRequests += 1;
      if (request.failedOver) this.failoverAfterFailedAttempt += 1;
      this.servedBy.set(request.deployment, (this.servedBy.get(request.deployment) ?? 0) + 1);
    } else if (isClientFacingFailure(request)) {
      this.clientFailures += 1;
    }
  }

  noteDeployment(id: string): void {
    this.deployments.add(id);
  }

  /** Takes in another period's evidence (a deployment's failures before its incident opened). */
  merge(other: EvidenceAccumulator): void {
    this.attempts += other.attempts;
    this.failedAttempts += other.failedAttempts;
    for (const [kind, count] of other.failuresByKind)
      this.failuresByKind.set(kind, (this.failuresByKind.get(kind) ?? 0) + count);
    for (const sample of other.sampleErrors) this.addSample(sample);
    for (const route of other.routes) this.routes.add(route);
    for (const deployment of other.deployments) this.deployments.add(deployment);
    this.failoverRequests += other.failoverRequests;
    this.failoverAfterFailedAttempt += other.failoverAfterFailedAttempt;
    for (const [deployment, count] of other.servedBy)
      this.servedBy.set(deployment, (this.servedBy.get(deployment) ?? 0) + count);
    this.clientFailures += other.clientFailures;
    if (other.firstFailedAt !== null && (this.firstFailedAt === null || other.firstFailedAt < this.firstFailedAt)) {
      this.firstFailedAt = other.firstFailedAt;
    }
    if (other.lastFailedAt !== null && (this.lastFailedAt === null || other.lastFailedAt > this.lastFailedAt)) {
      this.lastFailedAt = other.lastFailedAt;
    }
  }

  snapshot(): IncidentEvidence {
    const evidence = emptyEvidence();
    evidence.attempts = this.attempts;
    evidence.failedAttempts = this.failedAttempts;
    evidence.failuresByKind = Object.fromEntries(this.failuresByKind);
    evidence.sampleErrors = [...this.sampleErrors];
    evidence.affectedRoutes = [...this.routes].sort();
    evidence.deployments = [...this.deployments].sort();
    evidence.failover = {
      requests: this.failoverRequests,
      afterFailedAttempt: this.failoverAfterFailedAttempt,
      servedBy: Object.fromEntries([...this.servedBy].sort(([, a], [, b]) => b - a)),
    };
    evidence.clientFailures = this.clientFailures;
    return evidence;
  }

  // Scrubbed before it is stored, so no later path (store, alert, log) can leak what it held.
  private addSample(text: string): void {
    if (this.sampleErrors.length >= maximumSampleErrors) return;
    const clean = truncateMessage(scrubSecrets(text));
    if (!this.sampleErrors.includes(clean)) this.sampleErrors.push(clean);
  }
}
