// The fleet the replica tests share: two gateways in one process, each with its own replica id, in
// front of route `sonnet` = claude-a (Anthropic) failing over to gpt-b (OpenAI) on the simulator.
import { createLogger, type Logger } from '../../src/server/logger.js';
import { parseConfig } from '../../src/config/load-config.js';
import { type RunningGateway, startGateway } from '../../src/server/gateway.js';

/** The deployments and the route, as config input. */
export function claudeThenGpt(simulatorUrl: string) {
  return {
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulatorUrl}/u/claude-a`,
        apiKey: 'k',
      },
      { id: 'gpt-b', provider: 'openai', model: 'gpt-5', baseUrl: `${simulatorUrl}/u/gpt-b/v1`, apiKey: 'k' },
    ],
    routes: [{ name: 'sonnet', deployments: ['claude-a', 'gpt-b'] }],
  };
}

/**
 * Health shared through Redis, under which a hard-down deployment is ejected (a decision shared through
 * Redis) rather than first demoted as degraded by its failure rate, which each replica decides alone.
 */
export function ejectionSharedThrough(redisUrl: string) {
  return {
    defaults: {
      baseEjectionMs: 800,
      consecutiveFailures: 3,
      maximumConsecutiveFailures: 3,
      degradedMinimumRequests: 1_000,
    },
    probes: { intervalMs: 200, timeoutMs: 1_000 },
    shared: { redisUrl },
  };
}

/** Starts one gateway per name; `configOf` gives each its config input (and optionally its logger). */
export function startReplicas(
  names: string[],
  configOf: (name: string) => unknown,
  loggerOf: (name: string) => Logger = () => createLogger('silent'),
): Promise<RunningGateway[]> {
  return Promise.all(
    names.map((name) =>
      startGateway({ replicaId: name, port: 0, logger: loggerOf(name), config: parseConfig(configOf(name)) }),
    ),
  );
}
