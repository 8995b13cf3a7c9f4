// Shared by the incident tests: a detector on a manual clock, state changes and attempts in a line each.
// Health is scripted: each change sets the state health's snapshot then shows and delivers the event,
// as the HealthTracker does, without having to drive a breaker into each state. (Not a test file
// itself; kept beside the tests it serves.)
import type { StateChange } from '../health/deployment-state.js';
import type { OutcomeKind } from '../canonical/errors.js';
import type { Clock } from '../util/clock.js';
import type { DeploymentState } from '../health/deployment-state.js';
import type { DeploymentHealthSnapshot, DomainSnapshot } from '../health/health-snapshot.js';
import type { DeploymentPlacement, HealthSource } from './health-reading.js';
import { emptyEvidence, type Incident, type IncidentTransition, scopeKeyOf } from './incident.js';
import { IncidentDetector, type IncidentDetectorOptions } from './incident-detector.js';

export const placements: DeploymentPlacement[] = [
  { id: 'claude-direct', provider: 'anthropic', domains: ['anthropic-model-layer'] },
  { id: 'claude-direct-eu', provider: 'anthropic', domains: [] },
  { id: 'claude-bedrock', provider: 'bedrock', domains: ['anthropic-model-layer', 'aws-us-east-1'] },
  { id: 'claude-vertex', provider: 'vertex', domains: ['anthropic-model-layer'] },
  { id: 'gpt-4o', provider: 'openai', domains: ['openai-platform'] },
];

/** Health's snapshot with states set by the test. */
class ScriptedHealth implements HealthSource {
  private readonly deployments = new Map<string, { state: string; since: number; reason: string }>();
  private readonly domains = new Map<string, { state: string; since: number }>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  state(kind: 'deployment' | 'domain', id: string): string {
    return (kind === 'deployment' ? this.deployments.get(id) : this.domains.get(id))?.state ?? 'healthy';
  }

  set(kind: 'deployment' | 'domain', id: string, state: string, since: number, reason: string): void {
    if (kind === 'deployment') this.deployments.set(id, { state, since, reason });
    else this.domains.set(id, { state, since });
  }

  snapshot() {
    const now = this.clock.now();
    const deployments = placements.map((placement) => {
      const condition = this.deployments.get(placement.id) ?? { state: 'healthy', since: now, reason: '' };
      return {
        id: placement.id,
        state: condition.state as DeploymentState,
        since: condition.since,
        reason: condition.reason,
        domains: [...placement.domains],
      } as DeploymentHealthSnapshot;
    });
    const names = [...new Set(placements.flatMap((placement) => placement.domains))];
    const domains = names.map((name): DomainSnapshot => {
      const members = placements
        .filter((placement) => placement.domains.includes(name))
        .map((placement) => placement.id);
      const condition = this.domains.get(name) ?? { state: 'healthy', since: now };
      const affected = members.filter((member) =>
        ['ejected', 'probing', 'degraded'].includes(this.deployments.get(member)?.state ?? ''),
      );
      return { name, state: condition.state as DomainSnapshot['state'], members, affected, since: condition.since };
    });
    return { deployments, domains };
  }
}

export function createDetector(clock: Pick<Clock, 'now'>, options: Partial<IncidentDetectorOptions> = {}) {
  let next = 0;
  const health = new ScriptedHealth(clock);
  const detector = new IncidentDetector({
    clock,
    health,
    deployments: placements,
    newId: () => `inc_${(next += 1)}`,
    ...options,
  });
  const transitions: IncidentTransition[] = [];
  detector.onTransition((transition) => transitions.push(transition));
  /**
   * What the HealthTracker does: a decision it already holds (made here, then echoed by another
   * replica) changes nothing and is not emitted; otherwise its snapshot shows the new state, then the
   * event goes out.
   */
  const deliver = (change: StateChange) => {
    if (health.state(change.kind, change.id) === change.to) return;
    health.set(change.kind, change.id, change.to, change.at, change.reason);
    detector.handleStateChange(change);
  };
  const change = (id: string, from: string, to: string, overrides: Partial<StateChange> = {}) => {
    deliver({
      kind: 'deployment',
      id,
      from,
      to,
      reason: `${to} by test`,
      at: clock.now(),
      origin: 'local',
      ...overrides,
    });
    detector.flush();
  };
  const domain = (name: string, to: 'degraded' | 'healthy') => {
    deliver({
      kind: 'domain',
      id: name,
      from: to === 'degraded' ? 'healthy' : 'degraded',
      to,
      reason: `domain ${to} by test`,
      at: clock.now(),
      origin: 'local',
    });
    detector.flush();
  };
  const attempt = (
    deployment: string,
    kind: OutcomeKind,
    extra: { route?: string; message?: string; status?: number } = {},
  ) => {
    const provider = placements.find((placement) => placement.id === deployment)?.provider ?? 'anthropic';
    detector.recordAttempt({ route: extra.route ?? 'sonnet', deployment, provider, kind, latencyMs: 100, ...extra });
  };
  const tick = () => {
    detector.tick();
    detector.flush();
  };
  const types = () => transitions.map((transition) => `${transition.type}:${transition.incident.scopeKey}`);
  return { detector, transitions, deliver, change, domain, attempt, tick, types };
}

/** A complete incident from the fields a test cares about (an open, alerting incident with empty evidence). */
export function incidentFixture(
  fields: Partial<Incident> & Pick<Incident, 'id' | 'scope' | 'key' | 'detectedAt'>,
): Incident {
  const resolvedAt = fields.resolvedAt ?? null;
  const parentId = fields.parentId ?? null;
  return {
    scopeKey: scopeKeyOf({ scope: fields.scope, key: fields.key }),
    parentId,
    title: `${fields.scope} ${fields.key}`,
    severity: 'major',
    status: resolvedAt === null ? 'open' : 'resolved',
    firstFailedAt: null,
    resolvedAt,
    evidence: emptyEvidence(),
    updates: [],
    statusPage: null,
    alerting: parentId === null,
    ...fields,
  };
}
