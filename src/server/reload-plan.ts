// What a config reload may change while the gateway serves, and what it changes: deployments,
// routes, timeouts, retries, hedging, priority shedding and health thresholds are swapped in place;
// a deployment whose settings did not change keeps its learned health. Everything bound at start (the
// listening address, auth, the store, shared state, alerts, incidents, status pages, probes, logging)
// needs a restart, so a reload that changes one of them is refused with the section named.
import type { SwitchyardConfig } from '../config/schema.js';

/** Sections read once at start: a change to one needs a restart. */
const restartSections = [
  'server',
  'auth',
  'store',
  'alerts',
  'incidents',
  'statusPages',
  'watch',
  'admin',
  'logging',
  'upstreamConnections',
] as const;

export type ReloadPlan =
  | { ok: false; reason: string }
  | { ok: true; added: string[]; removed: string[]; changed: string[]; kept: string[] };

function same(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

export function planReload(current: SwitchyardConfig, next: SwitchyardConfig): ReloadPlan {
  const needRestart: string[] = restartSections.filter((section) => !same(current[section], next[section]));
  const { defaults: currentDefaults, ...currentHealth } = current.health;
  const { defaults: nextDefaults, ...nextHealth } = next.health;
  for (const field of Object.keys({ ...currentHealth, ...nextHealth }) as Array<keyof typeof currentHealth>) {
    if (!same(currentHealth[field], nextHealth[field])) needRestart.push(`health.${field}`);
  }
  if (needRestart.length > 0)
    return { ok: false, reason: `${needRestart.join(', ')} changed: only a restart applies that` };

  const before = new Map(current.deployments.map((deployment) => [deployment.id, deployment]));
  const after = new Set(next.deployments.map((deployment) => deployment.id));
  const defaultsChanged = !same(currentDefaults, nextDefaults);
  const plan = {
    ok: true as const,
    added: [] as string[],
    removed: [] as string[],
    changed: [] as string[],
    kept: [] as string[],
  };
  for (const deployment of next.deployments) {
    const previous = before.get(deployment.id);
    if (!previous) plan.added.push(deployment.id);
    else if (defaultsChanged || !same(previous, deployment)) plan.changed.push(deployment.id);
    else plan.kept.push(deployment.id);
  }
  for (const id of before.keys()) if (!after.has(id)) plan.removed.push(id);
  return plan;
}
