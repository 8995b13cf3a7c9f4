// The `priority` routing policy: the route's deployments in the order the config lists them.
import type { DeploymentConfig } from '../../config/schema.js';

export function orderByPriority(deployments: readonly DeploymentConfig[]): DeploymentConfig[] {
  return [...deployments];
}
