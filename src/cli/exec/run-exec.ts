// `switchyard exec -- <command …>`: the gateway for exactly one CI step. It starts in this process on
// a free loopback port, the command runs with its clients pointed at it (signals passed on), and when
// the command ends one summary is printed (and appended to $GITHUB_STEP_SUMMARY as Markdown). The
// exit code is the command's own, except 75 (EX_TEMPFAIL) when the command failed while every
// deployment of a route it used was unavailable; a command still retrying against such a route is
// stopped after `giveUpAfterMs`, instead of spending minutes on retries no provider can answer.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { SwitchyardConfig } from '../../config/schema.js';
import { RouteTable } from '../../routing/resolve-route.js';
import type { Logger } from '../../server/logger.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { childEnvironment, type Environment } from './child-environment.js';
import {
  ExecTally,
  formatSummaryMarkdown,
  formatSummaryText,
  type ExecFacts,
  type ExecIncident,
} from './exec-summary.js';
import { describeRouteDown, RouteOutage, type RouteDown } from './route-outage.js';

export const exTempFail = 75;
const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const checkIntervalMs = 500;
/** After the polite SIGTERM, how long a command stopped for an outage gets before SIGKILL. */
const killGraceMs = 5_000;

export interface ExecOptions {
  config: SwitchyardConfig;
  command: string[];
  /** The parent environment the command inherits (default process.env). */
  env?: Environment;
  /** How long a route may be down as a whole, with the command failing on it, before the command is stopped. */
  giveUpAfterMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Where the summary goes (default stderr, so the command's stdout stays its own). */
  write?: (text: string) => void;
}

export async function runExec(options: ExecOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  const parentEnv = options.env ?? process.env;
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const giveUpAfterMs = options.giveUpAfterMs ?? 30_000;
  const config: SwitchyardConfig = { ...options.config, server: { ...options.config.server, host: '127.0.0.1' } };
  const { startGateway } = await import('../../server/gateway.js');
  const gateway = await startGateway({ config, port: 0, clock, ...(options.logger ? { logger: options.logger } : {}) });
  const routes = new RouteTable(config);
  const tally = new ExecTally((asked) => {
    try {
      return routes.resolve(asked).name;
    } catch {
      return asked;
    }
  });
  const incidents = new Map<string, ExecIncident>();
  const stopIncidents = gateway.history.incidents?.detector.onTransition((transition) => {
    const { incident } = transition;
    const entry = incidents.get(incident.id) ?? {
      scope: incident.scope,
      key: incident.key,
      severity: incident.severity,
      openedAt: transition.at,
    };
    entry.severity = incident.severity;
    if (transition.type === 'resolved') entry.resolvedAt = transition.at;
    incidents.set(incident.id, entry);
  });
  const outage = new RouteOutage(routes, () => gateway.tracker?.snapshot());
  const startedAt = clock.now();
  const commandText = options.command.join(' ');

  let failedWhileDown: RouteDown | undefined;
  let stoppedForOutage = false;
  const checkOutage = (): RouteDown[] => {
    const now = clock.now();
    const down = outage.check(tally.routesUsed, now);
    for (const route of down) if (tally.lastFailed.get(route.route)) failedWhileDown = route;
    return down;
  };

  const commandExitCode = await new Promise<number>((resolve) => {
    const child = spawn(options.command[0]!, options.command.slice(1), {
      stdio: 'inherit',
      env: childEnvironment(parentEnv, gateway.url),
    });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = forwardedSignals.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    let cancelCheck = () => {};
    let cancelKill = () => {};
    const scheduleCheck = () => {
      cancelCheck = clock.schedule(checkIntervalMs, () => {
        const down = checkOutage();
        // Down as a whole for long enough, and the command's latest request on it failed: whatever the
        // command retries now cannot be answered.
        const hopeless = down.find(
          (route) => clock.now() - route.since >= giveUpAfterMs && tally.lastFailed.get(route.route) === true,
        );
        if (hopeless && !stoppedForOutage) {
          stoppedForOutage = true;
          failedWhileDown = hopeless;
          child.kill('SIGTERM');
          cancelKill = clock.schedule(killGraceMs, () => child.kill('SIGKILL'));
        }
        scheduleCheck();
      });
    };
    scheduleCheck();
    const finish = (code: number) => {
      cancelCheck();
      cancelKill();
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(code);
    };
    child.on('error', (error) => {
      write(`switchyard exec: cannot run ${options.command[0]}: ${error.message}\n`);
      finish(127);
    });
    child.on('exit', (code, signal) => {
      finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });

  checkOutage();
  const skipped = commandExitCode !== 0 && (stoppedForOutage || failedWhileDown !== undefined);
  const exitCode = skipped ? exTempFail : commandExitCode;
  const facts: ExecFacts = {
    command: commandText,
    exitCode,
    commandExitCode,
    durationMs: clock.now() - startedAt,
    requests: tally.requests,
    succeeded: tally.succeeded,
    failed: tally.failed,
    failovers: tally.failovers,
    deploymentsUsed: Object.fromEntries(tally.deploymentsUsed),
    routesUsed: [...tally.routesUsed],
    incidents: [...incidents.values()],
    ...(skipped && failedWhileDown
      ? {
          skippedBecause: `exit 75 (EX_TEMPFAIL): ${describeRouteDown(failedWhileDown)}${stoppedForOutage ? `; the command was stopped after ${Math.round(giveUpAfterMs / 1000)} s of it` : ''}, so this step can be marked skipped`,
        }
      : {}),
  };
  stopIncidents?.();
  tally.close();
  await gateway.close();
  write(formatSummaryText(facts));
  const summaryPath = parentEnv.GITHUB_STEP_SUMMARY;
  if (summaryPath) {
    try {
      appendFileSync(summaryPath, formatSummaryMarkdown(facts));
    } catch (error) {
      write(`switchyard exec: could not write $GITHUB_STEP_SUMMARY: ${(error as Error).message}\n`);
    }
  }
  return exitCode;
}
