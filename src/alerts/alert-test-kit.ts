// Shared by the alert tests: an incident as the detector would emit it, and alerts of it.
import type { Incident } from '../incidents/incident.js';
import type { Alert, AlertTransition } from './alert.js';

export const detectedAt = Date.UTC(2025, 5, 12, 14, 0, 4);

export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc_7f3a',
    scope: 'deployment',
    key: 'claude-direct',
    scopeKey: 'deployment:claude-direct',
    parentId: null,
    title: 'deployment claude-direct ejected',
    severity: 'major',
    status: 'open',
    firstFailedAt: detectedAt - 4_000,
    detectedAt,
    resolvedAt: null,
    evidence: {
      attempts: 60,
      failedAttempts: 42,
      failuresByKind: { overloaded: 30, timeout: 12 },
      sampleErrors: ['overloaded 529: overloaded_error: Overloaded'],
      affectedRoutes: ['haiku', 'sonnet'],
      deployments: ['claude-direct'],
      failover: { requests: 118, afterFailedAttempt: 40, servedBy: { 'claude-bedrock': 80, 'gpt-4o': 38 } },
      clientFailures: 0,
    },
    updates: [
      { at: detectedAt, type: 'opened', message: 'claude-direct ejected: 5 consecutive failures', severity: 'major' },
    ],
    statusPage: null,
    alerting: true,
    ...overrides,
  };
}

export function sampleAlert(transition: AlertTransition = 'opened', overrides: Partial<Incident> = {}): Alert {
  const sequence = transition === 'escalated' ? 3 : 1;
  return {
    transition,
    sequence,
    at: detectedAt + (transition === 'resolved' ? 300_000 : 0),
    incident: sampleIncident(overrides),
  };
}
