// Whether the routes a command used are down as a whole: every deployment of the route ejected,
// waiting for its probe, or isolated. That is the one case `switchyard exec` reports as a skipped
// step (exit 75) instead of the command's own failure: no retry by the command could have helped.
import type { HealthSnapshot } from '../../health/health-snapshot.js';
import type { DeploymentState } from '../../health/deployment-state.js';
import type { RouteTable } from '../../routing/resolve-route.js';

const unavailableStates: ReadonlySet<DeploymentState> = new Set(['ejected', 'probing', 'isolated']);

export interface RouteDown {
  route: string;
  /** When every deployment of the route was first seen unavailable (this stretch). */
  since: number;
  deployments: Array<{ id: string; state: DeploymentState; reason: string }>;
}

export class RouteOutage {
  private readonly downSince = new Map<string, number>();

  constructor(
    private readonly routes: RouteTable,
    private readonly health: () => HealthSnapshot | undefined,
  ) {}

  /** Re-reads health for the routes (as clients named them); returns those down as a whole now. */
  check(routeNames: Iterable<string>, now: number): RouteDown[] {
    const snapshot = this.health();
    if (!snapshot) return [];
    const states = new Map(snapshot.deployments.map((deployment) => [deployment.id, deployment]));
    const down: RouteDown[] = [];
    const seen = new Set<string>();
    for (const name of routeNames) {
      let route: ReturnType<RouteTable['resolve']>;
      try {
        route = this.routes.resolve(name);
      } catch {
        continue; // an unknown model is the command's own mistake, not an outage
      }
      if (seen.has(route.name)) continue;
      seen.add(route.name);
      const deployments = route.deployments.map((deployment) => {
        const health = states.get(deployment.id);
        return { id: deployment.id, state: health?.state ?? 'healthy', reason: health?.reason ?? '' };
      });
      if (deployments.every((deployment) => unavailableStates.has(deployment.state))) {
        const since = this.downSince.get(route.name) ?? now;
        this.downSince.set(route.name, since);
        down.push({ route: route.name, since, deployments });
      } else {
        this.downSince.delete(route.name);
      }
    }
    return down;
  }
}

export function describeRouteDown(down: RouteDown): string {
  const states = down.deployments.map((deployment) => `${deployment.id} ${deployment.state}`).join(', ');
  return `every deployment of route "${down.route}" was unavailable (${states})`;
}
