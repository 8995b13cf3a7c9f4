// `switchyard <command>`: thin wrappers over the rooms below (serve, validate, sim, demo).
// Commands are imported when used, so `validate` starts fast and loads no server code.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigFile, ConfigError } from '../config/load-config.js';
import { describeCliError } from './cli-error.js';
import { limitHeapGrowth } from '../util/heap-growth.js';

const usage = `usage: switchyard <command> [options]   (--help, --version)

commands:
  serve     [--config F] [--port N]      run the gateway (no --config: built from provider keys in the environment)
  validate  --config F                   check a config file; exits 1 with every problem
  sim       [--port N] [--scenario F]    run the provider simulator
  demo      [--duration S]               simulator + gateway + a scripted outage, with a summary
  keys      create|list|revoke --config F  gateway keys in the store (switchyard keys --help)
  report    --config F [--since 24h] [--format table|json|markdown]
                                         availability per deployment and route, incidents, lead time
  exec      [--config F] [--give-up-after S] -- <command …>
                                         run one command (a CI step) with its clients pointed at an
                                         in-process gateway; prints a summary; exits with the command's
                                         code, or 75 when every deployment of its routes was unavailable
  watch     --config F [--port N]        monitor only: synthetic requests per deployment on a schedule
                                         (no client traffic) feed health, incidents, alerts, dashboard
`;

/** `serve` without --config: the providers whose credentials are in the environment, printed. */
async function configFromCredentials() {
  const { configFromEnvironment, describeEnvironmentConfig } = await import('../config/from-environment.js');
  const built = configFromEnvironment(process.env);
  process.stdout.write(describeEnvironmentConfig(built));
  return built.config;
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
  const [command, ...afterCommand] = argv;
  // `exec` passes everything after `--` to its command untouched.
  const separator = command === 'exec' ? afterCommand.indexOf('--') : -1;
  const rest = separator === -1 ? afterCommand : afterCommand.slice(0, separator);
  const commandLine = separator === -1 ? [] : afterCommand.slice(separator + 1);
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
      process.stderr.write(`${describeCliError(error)}\n`);
      return 1;
    }
  }
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(rest);
  } catch (error) {
    process.stderr.write(`switchyard ${command ?? ''}: ${(error as Error).message}\n`);
    return 1;
  }
  const { values } = parsed;
  if (!command || values.help || command === 'help') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    process.stderr.write(`--port: expected a port number from 0 to 65535, got "${values.port}"\n`);
    return 1;
  }
  try {
    return await runCommand(command, values, port, commandLine);
  } catch (error) {
    // Every CLI error is one line on stderr and exit 1: what is wrong and where (cli-error.ts).
    process.stderr.write(`${describeCliError(error)}\n`);
    return 1;
  }
}

function parseCommandLine(rest: string[]) {
  return parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      scenario: { type: 'string' },
      duration: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
      'give-up-after': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
}

async function runCommand(
  command: string,
  values: ReturnType<typeof parseCommandLine>['values'],
  port: number | undefined,
  commandLine: string[],
): Promise<number> {
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
      limitHeapGrowth();
      const configPath = values.config;
      const config = configPath ? loadConfigFile(configPath) : await configFromCredentials();
      const { configFromEnvironment } = await import('../config/from-environment.js');
      const loadConfig = configPath
        ? () => loadConfigFile(configPath)
        : () => configFromEnvironment(process.env).config;
      const { startGateway, ListenError } = await import('../server/gateway.js');
      let gateway: Awaited<ReturnType<typeof startGateway>>;
      try {
        gateway = await startGateway({ config, port, loadConfig });
      } catch (error) {
        if (!(error instanceof ListenError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      process.stdout.write(`switchyard listening on ${gateway.url}\n`);
      if (gateway.adminUrl !== gateway.url) process.stdout.write(`switchyard admin surface on ${gateway.adminUrl}\n`);
      // SIGHUP reloads the config (a refused one is logged and the running config stays).
      const onHangup = () => {
        const result = gateway.reload();
        process.stdout.write(
          result.applied ? 'switchyard: config reloaded\n' : `switchyard: config reload refused: ${result.reason}\n`,
        );
      };
      process.on('SIGHUP', onHangup);
      await waitForSignal();
      process.off('SIGHUP', onHangup);
      process.stdout.write(`switchyard draining (up to ${config.server.drainMs} ms)\n`);
      await gateway.drain();
      return 0;
    }
    case 'watch': {
      if (!values.config) throw new ConfigError(['--config: required']);
      limitHeapGrowth();
      const config = loadConfigFile(values.config);
      const { startWatch } = await import('../watch/start-watch.js');
      const running = await startWatch({ config, port });
      const { watch } = config;
      process.stdout.write(
        `switchyard watch: ${config.deployments.length} deployments, one synthetic request each every ${watch.intervalMs / 1000} s (cap $${watch.spendCapUsdPerDay}/day each); dashboard on ${running.gateway.url}/dashboard\n`,
      );
      await waitForSignal();
      await running.close();
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
      process.stdout.write(await runReport(config, { since: values.since ?? '24h', format: values.format ?? 'table' }));
      return 0;
    }
    case 'exec': {
      if (commandLine.length === 0)
        throw new ConfigError(['exec: give the command after --, e.g. switchyard exec -- claude -p "…"']);
      const giveUpAfter = values['give-up-after'] === undefined ? 30 : Number.parseFloat(values['give-up-after']);
      if (!(giveUpAfter > 0)) throw new ConfigError(['--give-up-after: a number of seconds above 0']);
      const { execConfig } = await import('./exec/exec-config.js');
      const config = execConfig(values.config, process.env, (text) => process.stderr.write(text));
      const { runExec } = await import('./exec/run-exec.js');
      const { createLogger } = await import('../server/logger.js');
      return await runExec({
        config,
        command: commandLine,
        giveUpAfterMs: giveUpAfter * 1000,
        logger: createLogger(config.logging.level, process.stderr),
      });
    }
    default:
      process.stderr.write(`unknown command "${command}"\n${usage}`);
      return 1;
  }
}
