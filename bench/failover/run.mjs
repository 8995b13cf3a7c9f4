// bench/failover: what clients see while a deployment fails, and how fast Switchyard reacts. The
// simulator and the gateway(s) run in this process (so the health tracker's state changes and the
// router's attempts are read directly, with one clock); a constant-rate load of Anthropic Messages
// requests (streaming and not) runs through each scenario: baseline, fault, heal. Prints one table.
//
//   cd bench/failover && npm install && node run.mjs [--scenario hard-down] [--rate 25]
//   (also --baseline 10 --fault 15 --after 10, in seconds)
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadSwitchyard, progressLog, runEach, simulatorControl, sleep } from './bench-setup.mjs';
import { startLoad } from './load.mjs';
import { scenarios, changedKnobs, routeName, upstreamTiming } from './scenarios.mjs';
import { measure } from './measure.mjs';
import { formatTable, legend, targets } from './report.mjs';
import { startRedisServer } from './redis-server.mjs';
import diagnosticsChannel from 'node:diagnostics_channel';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    rate: { type: 'string', default: '25' },
    baseline: { type: 'string', default: '10' },
    fault: { type: 'string', default: '15' },
    after: { type: 'string', default: '10' },
  },
});
const rate = Number(values.rate);
const baselineMs = Number(values.baseline) * 1000;
const faultMs = Number(values.fault) * 1000;
const afterMs = Number(values.after) * 1000;
/** After the heal the load goes on until the failing deployments are readmitted, up to this long. */
const maxAfterMs = Math.max(afterMs, 20_000);

const selected = values.scenario ? scenarios.filter((scenario) => scenario.name === values.scenario) : scenarios;
if (selected.length === 0) {
  console.error(
    `unknown scenario ${values.scenario}; one of: ${scenarios.map((scenario) => scenario.name).join(', ')}`,
  );
  process.exit(2);
}
const { startGateway, startSimulator, parseConfig, createLogger } = await loadSwitchyard();
const progress = progressLog();

const simulator = await startSimulator({ port: 0, ...upstreamTiming });
let redis;
const cleanup = () => redis?.stop();
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const control = simulatorControl(simulator.url);

function allReadmitted(scenario, gateways) {
  return gateways.every(({ tracker }) => {
    const snapshot = tracker.snapshot();
    const deployments = snapshot.deployments.filter((deployment) => scenario.failing.includes(deployment.id));
    const domain = scenario.detect.domain
      ? snapshot.domains.find((entry) => entry.name === scenario.detect.domain)
      : undefined;
    return deployments.every((deployment) => deployment.state === 'healthy') && (!domain || domain.state === 'healthy');
  });
}

async function runScenario(scenario) {
  const replicas = scenario.replicas ?? 1;
  if (scenario.needsRedis && !redis) redis = await startRedisServer();
  await control('DELETE', '/_sim/faults');
  for (const name of scenario.upstreams)
    await control('POST', `/_sim/upstreams/${name}`, { labels: scenario.labels?.[name] ?? [] });

  const changes = [];
  const attempts = [];
  const stats = {};
  let faultAt = Number.POSITIVE_INFINITY;
  let detectionSnapshotTaken = false;
  const config = parseConfig(scenario.config({ simulatorUrl: simulator.url, redisUrl: redis?.url }), {});
  // Client attempts as the router publishes them (every replica runs in this process).
  const onAttempt = (event) => {
    const now = performance.now();
    attempts.push({ deployment: event.deployment, kind: event.kind, start: now - event.latencyMs, end: now });
  };
  diagnosticsChannel.subscribe('switchyard:attempt', onAttempt);
  const gateways = [];
  for (let replica = 0; replica < replicas; replica += 1) {
    const gateway = await startGateway({
      config,
      port: 0,
      replicaId: `bench-${replica}`,
      logger: createLogger('silent'),
    });
    gateway.tracker.onStateChange((change) => {
      const t = performance.now();
      changes.push({
        replica,
        kind: change.kind,
        id: change.id,
        from: change.from,
        to: change.to,
        reason: change.reason,
        origin: change.origin,
        t,
      });
      const since = Number.isFinite(faultAt)
        ? `fault ${t >= faultAt ? '+' : ''}${((t - faultAt) / 1000).toFixed(2)}s`
        : 'baseline';
      progress(
        `  ${since} replica ${replica}: ${change.kind} ${change.id} ${change.from} → ${change.to} (${change.reason}${change.origin === 'remote' ? ', from another replica' : ''})`,
      );
      // The simulator's counters at detection, for the per-request share on the failing domain.
      const detected = scenario.detect.domain
        ? change.kind === 'domain' && change.id === scenario.detect.domain && change.to === 'degraded'
        : change.kind === 'deployment' &&
          scenario.failing.includes(change.id) &&
          scenario.detect.states.includes(change.to);
      if (detected && t >= faultAt && !detectionSnapshotTaken) {
        detectionSnapshotTaken = true;
        void control('GET', '/_sim/stats').then((snapshot) => (stats.detected = snapshot));
      }
    });
    gateways.push(gateway);
  }

  progress(
    `${scenario.name}: ${replicas} gateway(s), route ${config.routes[0].deployments.join(' → ')}, ${rate} req/s; baseline ${baselineMs / 1000}s`,
  );
  const startAt = performance.now();
  const load = startLoad({ targets: gateways.map((gateway) => gateway.url), rate, model: routeName });
  await sleep(baselineMs);

  faultAt = performance.now();
  // The counters as the fault took effect (in the same answer): no request falls between two calls.
  const { id: faultId, stats: atFault } = await control('POST', '/_sim/faults', scenario.fault);
  stats.fault = atFault;
  progress(`${scenario.name}: fault on — ${JSON.stringify(scenario.fault)} for ${faultMs / 1000}s`);
  await sleep(faultMs);

  const healAt = performance.now();
  stats.heal = (await control('DELETE', `/_sim/faults/${faultId}`)).stats;
  progress(
    `${scenario.name}: healed; load goes on ≥ ${afterMs / 1000}s and until readmission (≤ ${maxAfterMs / 1000}s)`,
  );
  while (performance.now() - healAt < maxAfterMs) {
    if (performance.now() - healAt >= afterMs && allReadmitted(scenario, gateways)) break;
    await sleep(100);
  }
  const endAt = performance.now();
  const records = await load.stop();
  for (const gateway of gateways) await gateway.close();
  diagnosticsChannel.unsubscribe('switchyard:attempt', onAttempt);
  const row = measure(scenario, { records, changes, attempts, stats, replicas, startAt, faultAt, healAt, endAt });
  const failed = row.failures.length;
  progress(
    `${scenario.name}: ${row.sent} requests, ${failed} failed${failed ? ` (first: ${row.failures[0].error})` : ''}`,
  );
  return row;
}

progress(
  `bench/failover: simulator ${simulator.url}; scenarios: ${selected.map((scenario) => scenario.name).join(', ')}`,
);
const results = await runEach(selected, runScenario, progress);
await simulator.close();
redis?.stop();

const { lines, verdicts } = formatTable(results);
const out = [];
out.push('');
out.push(
  `bench/failover — ${rate} req/s constant rate (Anthropic Messages, alternating stream / non-stream), baseline ${baselineMs / 1000}s, fault ${faultMs / 1000}s, after heal ≥ ${afterMs / 1000}s; ` +
    `${process.version}, ${cpus().length} cores`,
);
out.push(
  `every simulated upstream: time to first token ${upstreamTiming.timeToFirstTokenMs} ms, ${upstreamTiming.tokensPerSecond} tokens/s (same for primary and fallbacks); ` +
    'routes primary → secondary (domain: claude-a → claude-b → gpt-c); health defaults otherwise',
);
out.push('config knobs changed from the defaults:');
for (const knob of changedKnobs) out.push(`  - ${knob}`);
out.push('');
out.push(...lines);
out.push('');
out.push(...legend);
out.push('');
const missed = verdicts.filter((verdict) => !verdict.pass);
out.push(`targets: ${verdicts.length - missed.length} PASS, ${missed.length} MISS`);
for (const verdict of missed) out.push(`  MISS ${verdict.scenario.title}: ${targets[verdict.key].label}`);
console.log(out.join('\n'));
process.exit(0);
