// Every secret the configuration holds, by value: provider keys, extra upstream headers, the admin
// token, gateway keys declared in the config, alert secrets and URLs, database and Redis passwords.
// scrubSecrets removes each of them wherever it appears, so an upstream that echoes a key in a shape
// no pattern knows still leaks nothing. Upstream hosts are replaced too: clients hear a deployment's
// name, never an internal address.
import type { SwitchyardConfig } from '../config/schema.js';
import { rememberAddresses, rememberSecrets } from './scrub-secrets.js';

function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export function secretsOfConfig(config: SwitchyardConfig): { secrets: string[]; addresses: string[] } {
  const secrets: Array<string | undefined> = [];
  const addresses: Array<string | undefined> = [];
  for (const deployment of config.deployments) {
    secrets.push(deployment.apiKey, ...Object.values(deployment.headers));
    if (deployment.baseUrl) addresses.push(hostOf(deployment.baseUrl));
  }
  secrets.push(config.auth?.adminToken, ...(config.auth?.keys ?? []).map((key) => key.key));
  for (const sink of config.alerts as Array<Record<string, unknown>>) {
    // A webhook's URL may carry its token (Slack's always does): the whole URL is a secret.
    for (const field of ['secret', 'url', 'routingKey'] as const) {
      const value = sink[field];
      if (typeof value === 'string') secrets.push(value);
    }
  }
  if (config.store !== false && 'url' in config.store) secrets.push(passwordOf(config.store.url));
  if (config.health.shared) secrets.push(passwordOf(config.health.shared.redisUrl));
  return {
    secrets: secrets.filter((value): value is string => typeof value === 'string'),
    addresses: addresses.filter((value): value is string => typeof value === 'string'),
  };
}

/** Makes scrubSecrets remove this config's secrets and upstream addresses from here on. */
export function rememberConfiguredSecrets(config: SwitchyardConfig): void {
  const { secrets, addresses } = secretsOfConfig(config);
  rememberSecrets(secrets);
  rememberAddresses(addresses);
}
