// Checks that the schema alone cannot: unique ids, routes naming known deployments, provider needs.
import { defaultBaseUrls, type SwitchyardConfig } from './schema.js';

/** Loopback: only this machine can connect, so running without keys exposes nothing. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function validateReferences(config: SwitchyardConfig): string[] {
  const problems: string[] = [];
  const deploymentIds = new Set<string>();
  config.deployments.forEach((deployment, index) => {
    if (deploymentIds.has(deployment.id)) {
      problems.push(`deployments[${index}].id: duplicate deployment id "${deployment.id}"`);
    }
    deploymentIds.add(deployment.id);
    if (!deployment.baseUrl && defaultBaseUrls[deployment.provider] === undefined) {
      problems.push(`deployments[${index}].baseUrl: required for provider "${deployment.provider}"`);
    }
    if (
      (deployment.provider === 'bedrock' || deployment.provider === 'vertex') &&
      !deployment.region &&
      !deployment.baseUrl
    ) {
      problems.push(`deployments[${index}].region: required for provider "${deployment.provider}" (or set baseUrl)`);
    }
    if (deployment.provider === 'vertex' && !deployment.project) {
      problems.push(`deployments[${index}].project: required for provider "vertex"`);
    }
  });

  if (!config.auth && !isLoopbackHost(config.server.host)) {
    problems.push(
      `server.host: "${config.server.host}" is not loopback, so the gateway would be open to everyone who reaches it; set auth.clients: keys (or write auth.clients: none to run it open on purpose)`,
    );
  }

  if (config.server.bodyMemoryBytes < config.server.bodyLimitBytes) {
    problems.push(
      `server.bodyMemoryBytes: ${config.server.bodyMemoryBytes} is less than server.bodyLimitBytes (${config.server.bodyLimitBytes}); one largest body must fit`,
    );
  }
  const adminHost = config.server.adminHost;
  if (adminHost !== undefined && config.server.adminPort === undefined) {
    problems.push('server.adminHost: only used with server.adminPort; set the admin port too');
  }
  if (adminHost !== undefined && !isLoopbackHost(adminHost) && !config.auth?.adminToken) {
    problems.push(`server.adminHost: "${adminHost}" is not loopback, so the admin surface needs auth.adminToken`);
  }

  const routeNames = new Map<string, string>();
  config.routes.forEach((route, routeIndex) => {
    for (const [offset, name] of [route.name, ...route.aliases].entries()) {
      const where = offset === 0 ? `routes[${routeIndex}].name` : `routes[${routeIndex}].aliases[${offset - 1}]`;
      const previous = routeNames.get(name);
      if (previous) problems.push(`${where}: "${name}" is already used by ${previous}`);
      else routeNames.set(name, where);
    }
    route.deployments.forEach((id, deploymentIndex) => {
      if (!deploymentIds.has(id)) {
        problems.push(`routes[${routeIndex}].deployments[${deploymentIndex}]: unknown deployment "${id}"`);
      }
    });
    const seen = new Set<string>();
    route.deployments.forEach((id, deploymentIndex) => {
      if (seen.has(id)) problems.push(`routes[${routeIndex}].deployments[${deploymentIndex}]: "${id}" is listed twice`);
      seen.add(id);
    });
  });
  return problems;
}
