// `switchyard demo`: starts the simulator and the gateway with config/demo.yaml, drives steady
// traffic through the Anthropic SDK, takes the primary down, then the whole Claude model layer
// (Anthropic and Bedrock together, as in a real model-layer outage), brings it back, and prints
// what the clients saw and what health decided, as it goes and at the end.
import { fileURLToPath } from 'node:url';
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
  const config = loadConfigFile(demoConfigPath, { ...process.env, SWITCHYARD_SIM_URL: simulator.url });
  const gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  const primary = config.routes[0]!.deployments[0]!;
  const model = config.routes[0]!.name;
  out.write(`Switchyard demo — gateway ${gateway.url}, simulator ${simulator.url}\n`);
  out.write(`route ${model}: ${config.routes[0]!.deployments.join(' → ')} (clients use the Anthropic SDK, no client retries)\n\n`);

  const domainLabel = 'anthropic-model-layer';
  const domainMembers = config.deployments.filter((deployment) => deployment.domains.includes(domainLabel)).map((deployment) => deployment.id);
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
    { at: 0.25, name: `${primary} down (529)`, fault: { target: primary, kind: 'error', status: 529 }, say: `${primary} starts answering 529 overloaded_error` },
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
    out.write(`${interactive ? '\n' : ''}    ${elapsed}s: ${change.kind} ${change.id} ${change.from} → ${change.to} (${change.reason})\n`);
  });

  let lastLine = 0;
  while (Date.now() - startedAt < options.durationMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const elapsed = Date.now() - startedAt;
    const next = script[phase + 1];
    if (next && elapsed >= next.at * options.durationMs) {
      await control('DELETE', '/_sim/faults');
      if (next.fault) await control('POST', '/_sim/faults', next.fault);
      phase += 1;
      out.write(`${interactive ? '\n' : ''}>>> ${(elapsed / 1000).toFixed(1)}s: ${next.say}\n`);
    }
    if (interactive) out.write(`\r${formatLiveLine(elapsed, phases[phase]!.name, total())}`);
    else if (elapsed - lastLine >= 5_000) {
      lastLine = elapsed;
      out.write(`${formatLiveLine(elapsed, phases[phase]!.name, total())}\n`);
    }
  }
  stop.abort();
  await traffic;
  const stats = await fetch(`${simulator.url}/_sim/stats`).then((response) => response.json() as Promise<unknown>);
  await gateway.close();
  await simulator.close();
  out.write(`${interactive ? '\n' : ''}\n${formatSummary(phases, total(), stats)}\n`);
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
