// bench/failover slow.mjs: the slow failures (issue "when upstreams hang, stall or cut off"). Same
// in-process setup as run.mjs (simulator and gateways here, a constant-rate load of Anthropic Messages
// requests, streaming and not), one scenario at a time: baseline, fault, heal. Prints one table with
// each scenario's target and whether it was met.
//
//   cd bench/failover && npm install && node slow.mjs [--scenario hung-domain]
import diagnosticsChannel from 'node:diagnostics_channel';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadSwitchyard, progressLog, runEach, simulatorControl, sleep } from './bench-setup.mjs';
import { startLoad } from './load.mjs';
import { startRedisServer } from './redis-server.mjs';
import { upstreamTiming } from './scenarios.mjs';
import { slowScenarios } from './slow-scenarios.mjs';

const { values } = parseArgs({ options: { scenario: { type: 'string' } } });
const selected = values.scenario
  ? slowScenarios.filter((scenario) => scenario.name === values.scenario)
  : slowScenarios;
if (selected.length === 0) {
  console.error(`unknown scenario; one of: ${slowScenarios.map((scenario) => scenario.name).join(', ')}`);
  process.exit(2);
}
const { startGateway, startSimulator, parseConfig, createLogger } = await loadSwitchyard();
const progress = progressLog();
const simulator = await startSimulator({ port: 0, ...upstreamTiming });
let redis;
process.on('exit', () => redis?.stop());

const control = simulatorControl(simulator.url);

async function runScenario(scenario) {
  if (scenario.replicas > 1 && !redis) redis = await startRedisServer();
  await control('DELETE', '/_sim/faults');
  for (const name of scenario.upstreams)
    await control('POST', `/_sim/upstreams/${name}`, { labels: scenario.labels?.[name] ?? [] });
  const config = parseConfig(scenario.config({ simulatorUrl: simulator.url, redisUrl: redis?.url }), {});
  const attempts = [];
  const onAttempt = (event) => {
    const now = performance.now();
    attempts.push({ ...event, start: now - event.latencyMs, end: now });
  };
  diagnosticsChannel.subscribe('switchyard:attempt', onAttempt);
  const gateways = [];
  for (let replica = 0; replica < (scenario.replicas ?? 1); replica += 1) {
    const gateway = await startGateway({
      config,
      port: 0,
      replicaId: `slow-${replica}`,
      logger: createLogger('silent'),
    });
    gateway.tracker.onStateChange((change) =>
      progress(`  replica ${replica}: ${change.kind} ${change.id} ${change.from} → ${change.to} (${change.reason})`),
    );
    gateways.push(gateway);
  }
  progress(
    `${scenario.name}: ${gateways.length} gateway(s), ${scenario.rate} req/s, baseline ${scenario.baselineMs / 1000}s`,
  );
  const load = startLoad({ targets: gateways.map((gateway) => gateway.url), rate: scenario.rate, model: 'bench' });
  await sleep(scenario.baselineMs);
  const learned = gateways[0].tracker.firstTokenFigures(scenario.failing[0]);
  const faultAt = performance.now();
  const { id } = await control('POST', '/_sim/faults', scenario.fault);
  progress(`${scenario.name}: fault ${JSON.stringify(scenario.fault)} for ${scenario.faultMs / 1000}s`);
  await sleep(scenario.faultMs);
  const healAt = performance.now();
  await control('DELETE', `/_sim/faults/${id}`);
  await sleep(scenario.afterMs);
  const records = await load.stop();
  for (const gateway of gateways) await gateway.close();
  diagnosticsChannel.unsubscribe('switchyard:attempt', onAttempt);
  const failed = records.filter((record) => !record.ok);
  progress(
    `${scenario.name}: ${records.length} requests, ${failed.length} failed${failed.length ? ` (first: ${failed[0].error})` : ''}`,
  );
  return scenario.measure({ records, attempts, faultAt, healAt, learned, gateways });
}

const results = (await runEach(selected, runScenario, progress)).map(({ scenario, row, error }) => ({
  scenario,
  row: row ?? { figure: `did not run: ${error}`, pass: false },
}));
await simulator.close();
redis?.stop();

const out = [
  '',
  `bench/failover slow.mjs — ${process.version}, ${cpus().length} cores; every simulated upstream: first token ${upstreamTiming.timeToFirstTokenMs} ms, ${upstreamTiming.tokensPerSecond} tokens/s`,
  '',
  `${'scenario'.padEnd(30)} ${'target'.padEnd(58)} ${'measured'.padEnd(70)} verdict`,
];
for (const { scenario, row } of results) {
  out.push(
    `${scenario.title.padEnd(30)} ${scenario.target.padEnd(58)} ${row.figure.padEnd(70)} ${row.pass ? 'PASS' : 'MISS'}`,
  );
}
out.push('');
for (const { scenario } of results) out.push(`${scenario.title}: ${scenario.setup}`);
const missed = results.filter((result) => !result.row.pass);
out.push('', `targets: ${results.length - missed.length} PASS, ${missed.length} MISS`);
console.log(out.join('\n'));
process.exit(0);
