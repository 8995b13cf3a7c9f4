// What run.mjs and slow.mjs share: loading the built gateway from dist/, a simulated deployment's
// config, the simulator's control API and the progress log on stderr.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The gateway, simulator, config parser and logger from dist/ (exits with a hint when it is not built). */
export async function loadSwitchyard() {
  const distFile = (path) => join(root, 'dist', path);
  const paths = ['server/gateway.js', 'simulator/simulator.js', 'config/load-config.js', 'server/logger.js'];
  for (const path of paths) {
    if (!existsSync(distFile(path))) {
      console.error(`dist/${path} is missing: run \`npm run build\` (or \`npm ci\`) at the repository root first`);
      process.exit(1);
    }
  }
  const [gateway, simulator, config, logger] = await Promise.all(
    paths.map((path) => import(pathToFileURL(distFile(path)).href)),
  );
  return {
    startGateway: gateway.startGateway,
    startSimulator: simulator.startSimulator,
    parseConfig: config.parseConfig,
    createLogger: logger.createLogger,
  };
}

/** A deployment on the simulated upstream `id`: Anthropic Messages, or OpenAI Chat Completions. */
export function simulatedDeployment(simulatorUrl, id, { provider = 'anthropic', domains = [], ...extra } = {}) {
  const openai = provider === 'openai';
  return {
    id,
    provider,
    model: openai ? 'gpt-5' : 'claude-sonnet-4-6',
    baseUrl: openai ? `${simulatorUrl}/u/${id}/v1` : `${simulatorUrl}/u/${id}`,
    apiKey: 'bench-upstream-key',
    domains,
    ...extra,
  };
}

/** Calls the simulator's control API; throws on any status but 2xx. */
export function simulatorControl(simulatorUrl) {
  return async (method, path, body) => {
    const response = await fetch(`${simulatorUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
}

/** A progress line on stderr, stamped with the seconds since the bench started. */
export function progressLog() {
  const start = performance.now();
  return (message) =>
    process.stderr.write(`[${((performance.now() - start) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs each scenario in turn: `{ scenario, row }`, or `{ scenario, error }` for one that could not run. */
export async function runEach(scenarios, runScenario, progress) {
  const results = [];
  for (const scenario of scenarios) {
    try {
      results.push({ scenario, row: await runScenario(scenario) });
    } catch (error) {
      progress(`${scenario.name} failed to run: ${error instanceof Error ? error.stack : error}`);
      results.push({ scenario, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
