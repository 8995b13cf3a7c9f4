// Model name → the route that serves it: a route name or alias, else a deployment whose upstream
// model id is exactly the name asked for (served by that deployment alone).
import type { DeploymentConfig, RouteConfig, SwitchyardConfig } from '../config/schema.js';
import { GatewayError } from '../canonical/gateway-error.js';

export interface ResolvedRoute {
  name: string;
  deployments: DeploymentConfig[];
  byId: Map<string, DeploymentConfig>;
  strategy: RouteConfig['strategy'];
  hedge: RouteConfig['hedge'];
  continuation: RouteConfig['continuation'];
  firstTokenLimit: RouteConfig['firstTokenLimit'];
}

type RouteBehaviour = Pick<RouteConfig, 'strategy' | 'hedge' | 'continuation' | 'firstTokenLimit'>;

/** A deployment served under its own model id: plain priority, no hedging, no continuation. */
const directBehaviour: RouteBehaviour = {
  strategy: 'priority',
  hedge: 'off',
  continuation: 'off',
  firstTokenLimit: 'adaptive',
};

function resolved(name: string, deployments: DeploymentConfig[], behaviour: RouteBehaviour): ResolvedRoute {
  return {
    name,
    deployments,
    byId: new Map(deployments.map((deployment) => [deployment.id, deployment])),
    strategy: behaviour.strategy,
    hedge: behaviour.hedge,
    continuation: behaviour.continuation,
    firstTokenLimit: behaviour.firstTokenLimit,
  };
}

export class RouteTable {
  private readonly byName = new Map<string, ResolvedRoute>();

  constructor(config: SwitchyardConfig) {
    const deployments = new Map(config.deployments.map((deployment) => [deployment.id, deployment]));
    // Exact upstream model ids first, so that route names and aliases win on a clash.
    for (const deployment of config.deployments) {
      if (!this.byName.has(deployment.model)) {
        this.byName.set(deployment.model, resolved(deployment.model, [deployment], directBehaviour));
      }
    }
    for (const route of config.routes) {
      const members = route.deployments
        .map((id) => deployments.get(id))
        .filter((item): item is DeploymentConfig => !!item);
      const entry = resolved(route.name, members, route);
      for (const name of [route.name, ...route.aliases]) this.byName.set(name, entry);
    }
  }

  resolve(model: string): ResolvedRoute {
    const route = this.byName.get(model);
    if (!route) {
      throw new GatewayError({
        status: 404,
        code: 'SWITCHYARD_UNKNOWN_MODEL',
        message: `model "${model}" is not served by this gateway (no route, alias or deployment model has that name)`,
        shouldRetry: false,
        param: 'model',
      });
    }
    return route;
  }

  /** Every name a client may send, for GET /v1/models. */
  names(): Array<{ id: string; route: ResolvedRoute }> {
    return [...this.byName.entries()].map(([id, route]) => ({ id, route }));
  }
}
