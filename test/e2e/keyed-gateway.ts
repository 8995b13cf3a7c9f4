// A gateway with auth on (gateway keys in a real SQLite file, an admin token) in front of the simulator,
// for the key, admin and limit end-to-end tests. Keys and tokens are built at run time, never literals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../src/config/load-config.js';
import type { SwitchyardConfig } from '../../src/config/schema.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { generateKey } from '../../src/keys/gateway-key.js';
import type { Clock } from '../../src/util/clock.js';

export const providerSecret = ['sk', 'ant', 'provider', generateKey().slice(4)].join('-');

export interface KeyedGateway {
  gateway: RunningGateway;
  simulator: RunningSimulator;
  config: SwitchyardConfig;
  configPath: string;
  adminToken: string;
  /** A key declared in the config (auth.keys), named `config-team`. */
  configKey: string;
  directory: string;
  /** The config document as written (secrets as ${VARIABLES}); a reload reads `reloadPath`. */
  document: Record<string, unknown>;
  /** The file the gateway reads again on reload (the document with its ${VARIABLES}). */
  reloadPath: string;
  upstreamRequests(name: string): Promise<number>;
  close(): Promise<void>;
}

export interface KeyedGatewayOptions {
  /** Extra config merged over the defaults (e.g. health.shared for replicas). */
  extra?: Record<string, unknown>;
  /** Reuse a directory (the same SQLite file) and simulator: a second replica. */
  shareWith?: KeyedGateway;
  configKeyLimits?: Record<string, unknown>;
  clock?: Clock;
}

export async function startKeyedGateway(options: KeyedGatewayOptions = {}): Promise<KeyedGateway> {
  const directory = options.shareWith?.directory ?? mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  const simulator = options.shareWith?.simulator ?? (await startSimulator({ port: 0, seed: 5 }));
  const adminToken = options.shareWith?.adminToken ?? generateKey();
  const configKey = options.shareWith?.configKey ?? generateKey();
  const document = {
    server: { host: '127.0.0.1', port: 0 },
    auth: {
      clients: 'keys',
      adminToken: '${TEST_ADMIN_TOKEN}',
      refreshMs: 100,
      keys: [{ name: 'config-team', key: '${TEST_CONFIG_KEY}', ...options.configKeyLimits }],
    },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulator.url}/u/claude-a`,
        apiKey: providerSecret,
      },
      {
        id: 'gpt-a',
        provider: 'openai',
        model: 'gpt-5',
        baseUrl: `${simulator.url}/u/gpt-a/v1`,
        apiKey: providerSecret,
      },
    ],
    routes: [
      {
        name: 'claude-sonnet-4-6',
        aliases: ['sonnet', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
        deployments: ['claude-a', 'gpt-a'],
      },
      { name: 'gpt-5', deployments: ['gpt-a'] },
    ],
    timeouts: { requestMs: 10_000, connectMs: 1_000, firstTokenMs: 2_000 },
    health: { enabled: true, probes: { enabled: false } },
    store: { path: join(directory, 'switchyard.db') },
    logging: { level: 'silent' },
    ...options.extra,
  };
  const env = { TEST_ADMIN_TOKEN: adminToken, TEST_CONFIG_KEY: configKey };
  const config = parseConfig(document, env);
  const configPath = join(directory, 'switchyard.yaml');
  const { writeFileSync } = await import('node:fs');
  // The CLI reads the same file: secrets resolved here, since the CLI's environment is the test's.
  writeFileSync(configPath, JSON.stringify({ ...document, auth: { ...document.auth, adminToken, keys: [] } }));
  const reloadPath = join(directory, `reload-${Date.now()}.json`);
  writeFileSync(reloadPath, JSON.stringify(document));
  const gateway = await startGateway({
    config,
    loadConfig: () => loadConfigFile(reloadPath, env),
    port: 0,
    logger: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    gateway,
    simulator,
    config,
    configPath,
    adminToken,
    configKey,
    directory,
    document,
    reloadPath,
    async upstreamRequests(name) {
      const response = await fetch(`${simulator.url}/_sim/stats`);
      const stats = (await response.json()) as { upstreams: Record<string, { requests: number }> };
      return stats.upstreams[name]?.requests ?? 0;
    },
    async close() {
      await gateway.close();
      if (!options.shareWith) {
        await simulator.close();
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
