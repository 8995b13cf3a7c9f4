// `switchyard demo`: starts the simulator and the gateway with config/demo.yaml, drives steady
// traffic through the Anthropic SDK, takes the primary down, then the whole Claude model layer
// (Anthropic and Bedrock together, as in a real model-layer outage), brings it back, and prints
// what the clients saw and what health decided, as it goes and at the end.
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertReceiver } from '../alerts/alert-receiver.js';
import { reportForConfig } from '../history/report/report-for-config.js';
import { formatReport } from '../history/report/format-report.js';
import { loadConfigFile } from '../config/load-config.js';
import { startGateway } from '../server/gateway.js';
import { startSimulator } from '../simulator/simulator.js';
import { createLogger } from '../server/logger.js';
import { driveTraffic, emptyTally, type TrafficTally } from './traffic.js';
import { formatLiveLine, formatSummary, type PhaseTally } from './demo-report.js';

export interface DemoOptions {
  durationMs: number;
  out?: NodeJS.WritableStream;
}

const demoConfigPath = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function runDemo(options: DemoOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const interactive = 'isTTY' in out && Boolean((out as NodeJS.WriteStream).isTTY);
  const simulator = await startSimulator({ port: 0, timeToFirstTokenMs: 40, tokensPerSecond: 400 });
  const receiver = await startAlertReceiver();
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
  const config = loadConfigFile(demoConfigPath, {
    ...process.env,
    SWITCHYARD_SIM_URL: simulator.url,
    SWITCHYARD_ALERT_URL: `${receiver.url}/alerts`,
    SWITCHYARD_DEMO_DB: join(folder, 'switchyard.db'),
  });
  // The provider's status page admits an outage of its API only after a lag.
  const statusPageLagMs = Math.round(Math.min(8_000, options.durationMs * 0.12));
  await fetch(`${simulator.url}/_sim/status-pages/anthropic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      components: { 'claude-api': { name: 'Claude API', targets: ['claude-primary'] } },
      lagMs: statusPageLagMs,
    }),
  });
  const gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  const primary = config.routes[0]!.deployments[0]!;
  const model = config.routes[0]!.name;
  out.write(`Switchyard demo — gateway ${gateway.url}, simulator ${simulator.url}\n`);
  out.write(
    `route ${model}: ${config.routes[0]!.deployments.join(' → ')} (clients use the Anthropic SDK, no client retries)\n`,
  );
  out.write(
    `alerts: signed webhook to ${receiver.url}/alerts; status page: simulated, ${statusPageLagMs / 1000}s behind reality\n\n`,
  );

  const domainLabel = 'anthropic-model-layer';
  const domainMembers = config.deployments
    .filter((deployment) => deployment.domains.includes(domainLabel))
    .map((deployment) => deployment.id);
  // The simulator learns which upstreams share the Claude model layer, so one fault takes them all down.
  for (const member of domainMembers) {
    await fetch(`${simulator.url}/_sim/upstreams/${member}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: [domainLabel] }),
    });
  }
  const script = [
    { at: 0, name: 'before the outage', fault: undefined, say: '' },
    {
      at: 0.25,
      name: `${primary} down (529)`,
      fault: { target: primary, kind: 'error', status: 529 },
      say: `${primary} starts answering 529 overloaded_error`,
    },
    {
      at: 0.45,
      name: `whole ${domainLabel} down`,
      fault: { target: `label:${domainLabel}`, kind: 'error', status: 529 },
      say: `the whole Claude model layer fails (${domainMembers.join(', ')}): 529 everywhere`,
    },
    { at: 0.7, name: 'after recovery', fault: undefined, say: 'the Claude model layer recovers' },
  ];
  const phases: PhaseTally[] = script.map((step) => ({ name: step.name, tally: emptyTally() }));
  let phase = 0;
  const total = () => mergeTallies(phases.map((entry) => entry.tally));
  const stop = new AbortController();
  const startedAt = Date.now();

  const traffic = driveTraffic({
    baseURL: gateway.url,
    model,
    primary,
    concurrency: 4,
    pauseMs: 100,
    signal: stop.signal,
    tally: () => phases[phase]!.tally,
  });

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json().catch(() => ({}))) as { id?: string };
  };

  // Health decisions as they happen: ejection, probing, readmission, failure domains.
  gateway.tracker?.onStateChange((change) => {
    if (change.kind === 'deployment' && change.to === 'degraded' && change.from === 'healthy' && phase === 0) return;
    const elapsed = ((Date.now() - startedAt) / 1000).toFixed(1);
    out.write(
      `${interactive ? '\n' : ''}    ${elapsed}s: ${change.kind} ${change.id} ${change.from} → ${change.to} (${change.reason})\n`,
    );
  });

  let alertsShown = 0;
  let firstFaultAt: number | undefined;
  const showAlerts = () => {
    for (; alertsShown < receiver.received.length; alertsShown += 1) {
      const body = receiver.received[alertsShown]!.body as {
        transition?: string;
        incident?: { title?: string; severity?: string; statusPage?: { leadTimeMs?: number } | null };
      };
      const elapsed = Date.now() - startedAt;
      const sinceFault =
        firstFaultAt === undefined
          ? ''
          : ` (${((Date.now() - firstFaultAt) / 1000).toFixed(1)}s after the first fault)`;
      const lead = body.incident?.statusPage?.leadTimeMs;
      const leadText =
        typeof lead === 'number' ? `; we were ${(lead / 1000).toFixed(1)}s ahead of the status page` : '';
      out.write(
        `${interactive ? '\n' : ''}!!! ${(elapsed / 1000).toFixed(1)}s ALERT ${body.transition} [${body.incident?.severity}] ${body.incident?.title}${sinceFault}${leadText}\n`,
      );
    }
  };

  let lastLine = 0;
  while (Date.now() - startedAt < options.durationMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const elapsed = Date.now() - startedAt;
    const next = script[phase + 1];
    if (next && elapsed >= next.at * options.durationMs) {
      await control('DELETE', '/_sim/faults');
      if (next.fault) await control('POST', '/_sim/faults', next.fault);
      if (next.fault && firstFaultAt === undefined) firstFaultAt = Date.now();
      phase += 1;
      out.write(`${interactive ? '\n' : ''}>>> ${(elapsed / 1000).toFixed(1)}s: ${next.say}\n`);
    }
    showAlerts();
    if (interactive) out.write(`\r${formatLiveLine(elapsed, phases[phase]!.name, total())}`);
    else if (elapsed - lastLine >= 5_000) {
      lastLine = elapsed;
      out.write(`${formatLiveLine(elapsed, phases[phase]!.name, total())}\n`);
    }
  }
  stop.abort();
  await traffic;
  showAlerts();
  let reportText = '';
  if (gateway.history.store) {
    await gateway.history.writer?.flush();
    const report = await reportForConfig(gateway.history.store, config, { since: startedAt - 60_000, now: Date.now() });
    reportText = formatReport(report, 'table');
  }
  const stats = await fetch(`${simulator.url}/_sim/stats`).then((response) => response.json() as Promise<unknown>);
  await gateway.close();
  await simulator.close();
  await receiver.close();
  rmSync(folder, { recursive: true, force: true });
  out.write(`${interactive ? '\n' : ''}\n${formatSummary(phases, total(), stats)}\n`);
  out.write(
    `\nalerts received: ${receiver.received.length} (${receiver.received.map((alert) => (alert.body as { transition?: string }).transition).join(', ')})\n`,
  );
  if (reportText) out.write(`\nAvailability report (switchyard report)\n\n${reportText}\n`);
  return total().failed === 0 ? 0 : 1;
}

function mergeTallies(tallies: TrafficTally[]): TrafficTally {
  const merged = emptyTally();
  for (const tally of tallies) {
    merged.sent += tally.sent;
    merged.succeeded += tally.succeeded;
    merged.failed += tally.failed;
    merged.failovers += tally.failovers;
    merged.streamed += tally.streamed;
    merged.latenciesMs.push(...tally.latenciesMs);
    for (const [deployment, count] of tally.perDeployment) {
      merged.perDeployment.set(deployment, (merged.perDeployment.get(deployment) ?? 0) + count);
    }
    if (tally.lastError) merged.lastError = tally.lastError;
  }
  return merged;
}
