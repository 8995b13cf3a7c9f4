// `switchyard <command>`: thin wrappers over the rooms below (serve, validate, sim, demo).
// Commands are imported when used, so `validate` starts fast and loads no server code.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigFile, ConfigError } from '../config/load-config.js';

const usage = `usage: switchyard <command> [options]   (--help, --version)

commands:
  serve     [--config F] [--port N]      run the gateway (no --config: built from provider keys in the environment)
  validate  --config F                   check a config file; exits 1 with every problem
  sim       [--port N] [--scenario F]    run the provider simulator
  demo      [--duration S]               simulator + gateway + a scripted outage, with a summary
  keys      create|list|revoke --config F  gateway keys in the store (switchyard keys --help)
  report    --config F [--since 24h] [--format table|json|markdown]
                                         availability per deployment and route, incidents, lead time
`;

/** `serve` without --config: the providers whose credentials are in the environment, printed. */
async function configFromCredentials() {
  const { configFromEnvironment, describeEnvironmentConfig } = await import('../config/from-environment.js');
  const built = configFromEnvironment(process.env);
  process.stdout.write(describeEnvironmentConfig(built));
  return built.config;
}

/** CLI errors are one line each: what is wrong and where, never a stack trace. */
function oneLine(error: Error): string {
  return error instanceof ConfigError ? error.problems.join('; ') : error.message;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** The package's own version, read beside the compiled or source tree (dist/cli or src/cli). */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`switchyard ${packageVersion()}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  if (command === 'keys') {
    try {
      const { runKeysCommand } = await import('./keys-command.js');
      return await runKeysCommand(rest, { stdout: (text) => process.stdout.write(text) });
    } catch (error) {
      if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`${oneLine(error as Error)}\n`);
        return 1;
      }
      throw error;
    }
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      scenario: { type: 'string' },
      duration: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (!command || values.help || command === 'help') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  const port = values.port === undefined ? undefined : Number.parseInt(values.port, 10);
  try {
    switch (command) {
      case 'validate': {
        if (!values.config) throw new ConfigError(['--config: required']);
        const config = loadConfigFile(values.config);
        process.stdout.write(
          `${values.config}: ok (${config.deployments.length} deployments, ${config.routes.length} routes)\n`,
        );
        return 0;
      }
      case 'serve': {
        const config = values.config ? loadConfigFile(values.config) : await configFromCredentials();
        const { startGateway, ListenError } = await import('../server/gateway.js');
        let gateway: Awaited<ReturnType<typeof startGateway>>;
        try {
          gateway = await startGateway({ config, port });
        } catch (error) {
          if (!(error instanceof ListenError)) throw error;
          process.stderr.write(`${error.message}\n`);
          return 1;
        }
        process.stdout.write(`switchyard listening on ${gateway.url}\n`);
        await waitForSignal();
        process.stdout.write(`switchyard draining (up to ${config.server.drainMs} ms)\n`);
        await gateway.drain();
        return 0;
      }
      case 'sim': {
        const { startSimulator } = await import('../simulator/simulator.js');
        const { loadScenarioFile } = await import('../simulator/scenario.js');
        const scenario = values.scenario ? loadScenarioFile(values.scenario) : undefined;
        const simulator = await startSimulator({ port: port ?? 7400, scenario });
        process.stdout.write(
          `switchyard simulator on ${simulator.url} (Anthropic: ${simulator.url}/u/<name>, OpenAI: ${simulator.url}/u/<name>/v1)\n`,
        );
        await waitForSignal();
        await simulator.close();
        return 0;
      }
      case 'demo': {
        const durationSeconds = values.duration === undefined ? 60 : Number.parseFloat(values.duration);
        const { runDemo } = await import('../demo/run-demo.js');
        return await runDemo({ durationMs: durationSeconds * 1000 });
      }
      case 'report': {
        const config = loadConfigFile(values.config ?? 'switchyard.yaml');
        const { runReport } = await import('./report-command.js');
        process.stdout.write(
          await runReport(config, { since: values.since ?? '24h', format: values.format ?? 'table' }),
        );
        return 0;
      }
      default:
        process.stderr.write(`unknown command "${command}"\n${usage}`);
        return 1;
    }
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: unknown } | null)?.code === 'SWITCHYARD_REPORT_ARGUMENT') {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
