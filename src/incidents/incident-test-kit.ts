// Shared by the incident tests: a detector on a manual clock, state changes and attempts in a line each.
// (Not a test file itself; kept beside the tests it serves.)
import type { StateChange } from '../health/deployment-state.js';
import type { OutcomeKind } from '../canonical/errors.js';
import type { Clock } from '../util/clock.js';
import type { DeploymentPlacement } from './deployment-topology.js';
import { emptyEvidence, type Incident, type IncidentTransition, scopeKeyOf } from './incident.js';
import { IncidentDetector, type IncidentDetectorOptions } from './incident-detector.js';

export const placements: DeploymentPlacement[] = [
  { id: 'claude-direct', provider: 'anthropic', domains: ['anthropic-model-layer'] },
  { id: 'claude-direct-eu', provider: 'anthropic', domains: [] },
  { id: 'claude-bedrock', provider: 'bedrock', domains: ['anthropic-model-layer', 'aws-us-east-1'] },
  { id: 'claude-vertex', provider: 'vertex', domains: ['anthropic-model-layer'] },
  { id: 'gpt-4o', provider: 'openai', domains: ['openai-platform'] },
];

export function createDetector(clock: Pick<Clock, 'now'>, options: Partial<IncidentDetectorOptions> = {}) {
  let next = 0;
  const detector = new IncidentDetector({
    clock,
    deployments: placements,
    newId: () => `inc_${(next += 1)}`,
    ...options,
  });
  const transitions: IncidentTransition[] = [];
  detector.onTransition((transition) => transitions.push(transition));
  const change = (id: string, from: string, to: string, overrides: Partial<StateChange> = {}) => {
    detector.handleStateChange({
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
    detector.handleStateChange({
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
  return { detector, transitions, change, domain, attempt, tick, types };
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
