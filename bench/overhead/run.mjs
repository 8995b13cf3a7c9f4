// bench/overhead: what Switchyard adds to a request. The simulator and the gateway run as their
// own processes (as in production). Three parts, each printed with its target (issue 9, "Speed"):
//   fixed rate  an open-loop load (open-loop.mjs) straight at the simulator, through a minimal
//               pass-through proxy, through Switchyard, and through Switchyard with gateway keys:
//               Switchyard's added p50 within 1 ms of the proxy's added p50, added p99 within 3 ms.
//   saturated   autocannon with no rate limit: Switchyard's req/s at least 75% of the proxy's (with,
//               beside them, a proxy doing only the work every gateway must: inherent-proxy.mjs).
//   long        1,000 concurrent slow streams (long-streams.mjs): every first byte within the
//               upstream's time to first token + 1 s, no deployment ejected, no non-2xx, RSS ≤ 150 MB.
//
//   cd bench/overhead && npm install && node run.mjs [--only fixed,saturated,long] [--rate 1000]
//     [--duration 10] [--connections 32] [--streams 1000] [--stream-tokens 30] [--long-warmup 2000]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { longStreamConfig, longStreams, paceUpstreams } from './long-streams.mjs';
import { openLoop } from './open-loop.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'switchyard.js');
const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'fixed,saturated,long' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '3' },
    streams: { type: 'string', default: '1000' },
    'stream-tokens': { type: 'string', default: '30' },
    'time-to-first-token': { type: 'string', default: '1000' },
    'tokens-per-second': { type: 'string', default: '2' },
    'long-warmup': { type: 'string', default: '2000' },
  },
});
const parts = new Set(values.only.split(','));
const rate = Number(values.rate);
const duration = Number(values.duration);
const connections = Number(values.connections);
const warmup = Number(values.warmup);

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm ci` (or `npm run build`) at the repository root first');
  process.exit(1);
}

const children = [];
function start(args, script = cli) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(String(chunk));
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}
function cleanup() {
  for (const child of children) child.kill('SIGTERM');
}
process.on('exit', cleanup);

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const simulator = await start(['sim', '--port', '0']);
const folder = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
const configPath = join(folder, 'switchyard.yaml');
writeFileSync(
  configPath,
  `server: { host: 127.0.0.1, port: 0 }
deployments:
  - { id: claude-a, provider: anthropic, model: claude-sonnet-4-6, baseUrl: ${simulator.url}/u/claude-a, apiKey: bench-key }
  - { id: gpt-b, provider: openai, model: gpt-5, baseUrl: ${simulator.url}/u/gpt-b/v1, apiKey: bench-key }
routes:
  - { name: sonnet, deployments: [claude-a, gpt-b] }
logging: { level: warn }
`,
);
const gateway = await start(['serve', '--config', configPath, '--port', '0']);
// The same gateway with gateway keys on (auth.clients: keys): what the key check costs. It keeps history
// in a SQLite file of its own, as the plain gateway does, so the two differ only by the keys.
const benchKey = `syk_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
const keyedConfigPath = join(folder, 'switchyard-keys.yaml');
writeFileSync(
  keyedConfigPath,
  readFileSync(configPath, 'utf8') +
    `auth: { clients: keys, keys: [{ name: bench, key: "${benchKey}" }] }\nstore: { path: ${join(folder, 'switchyard-keys.db')} }\n`,
);
const keyedGateway = await start(['serve', '--config', keyedConfigPath, '--port', '0']);
const minimalProxy = await start(
  [`${simulator.url}/u/claude-a/v1/messages`],
  join(dirname(fileURLToPath(import.meta.url)), 'minimal-proxy.mjs'),
);
// The minimal proxy plus the work every gateway must do (parse the body and the answer, route, count):
// what of the gap to the minimal proxy is inherent, in the saturated part.
const inherentProxy = await start(
  [`${simulator.url}/u/claude-a/v1/messages`],
  join(dirname(fileURLToPath(import.meta.url)), 'inherent-proxy.mjs'),
);

const body = (stream) =>
  JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    stream,
    messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
  });
const headers = { 'content-type': 'application/json', 'x-api-key': 'bench-key', 'anthropic-version': '2023-06-01' };

/** CPU milliseconds (user + system) a process has used so far, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** One fixed-rate run, with the CPU the measured process (gateway or proxy) spent per answer. */
async function fixedRate(url, stream, seconds, measured, requestHeaders = headers) {
  const before = measured ? cpuMs(measured.child.pid) : 0;
  const result = await openLoop({ url, body: body(stream), headers: requestHeaders, rate, seconds });
  const cpuPerRequest = measured ? (cpuMs(measured.child.pid) - before) / Math.max(1, result.responses) : undefined;
  return { ...result, cpuPerRequest };
}

/** One saturated run: autocannon as fast as the path answers. */
function saturated(url, stream, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', headers, body: body(stream), connections, duration: seconds }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const scenarios = [
  { name: 'non-streaming', stream: false },
  { name: 'streaming', stream: true },
];
const direct = `${simulator.url}/u/claude-a/v1/messages`;
const through = `${gateway.url}/v1/messages`;
const keyed = `${keyedGateway.url}/v1/messages`;
const keyedHeaders = { ...headers, 'x-api-key': benchKey };
const os = await import('node:os');
const format = (value) => value.toFixed(2).padStart(9);
const verdict = (met) => (met ? 'met' : 'NOT MET');
console.log(
  `\nbench/overhead — ${process.version}, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);

if (parts.has('fixed')) {
  const rows = [];
  for (const scenario of scenarios) {
    const paths = [
      { path: 'direct', url: direct },
      { path: 'minimal proxy', url: minimalProxy.url, measured: minimalProxy },
      { path: 'through switchyard', url: through, measured: gateway },
      { path: 'switchyard + keys', url: keyed, measured: keyedGateway, headers: keyedHeaders },
    ];
    // Each path is measured right after its own warm-up, as the saturated part does: measured after the
    // others' runs instead, the last path met the load after 30 s idle (its keep-alive connections closed,
    // its heap shrunk by the idle collector) and showed p99 of 100-300 ms that the others never paid.
    for (const path of paths) {
      await fixedRate(path.url, scenario.stream, warmup, path.measured, path.headers);
      const result = await fixedRate(path.url, scenario.stream, duration, path.measured, path.headers);
      rows.push({ scenario: scenario.name, path: path.path, result });
    }
  }
  console.log(`\nfixed rate (open loop) ${rate} req/s, ${duration}s per run; latency from when each request was due`);
  console.log(
    `${'scenario'.padEnd(15)}${'path'.padEnd(20)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'non2xx'.padStart(8)}${'CPU ms/req'.padStart(12)}`,
  );
  for (const { scenario, path, result } of rows) {
    const cpu = result.cpuPerRequest === undefined ? '-' : result.cpuPerRequest.toFixed(3);
    console.log(
      `${scenario.padEnd(15)}${path.padEnd(20)}${result.achievedRate.toFixed(0).padStart(9)}${format(result.p50)}${format(result.p90)}${format(result.p99)}${String(result.errors).padStart(8)}${String(result.non2xx).padStart(8)}${cpu.padStart(12)}`,
    );
  }
  for (const scenario of scenarios) {
    const find = (path) => rows.find((row) => row.scenario === scenario.name && row.path === path).result;
    const [plain, minimal, switchyard, withKeys] = [
      'direct',
      'minimal proxy',
      'through switchyard',
      'switchyard + keys',
    ].map(find);
    const added = { p50: switchyard.p50 - plain.p50, p99: switchyard.p99 - plain.p99 };
    const proxyAdded = { p50: minimal.p50 - plain.p50, p99: minimal.p99 - plain.p99 };
    console.log(
      `${scenario.name}: switchyard adds p50 ${added.p50.toFixed(2)} ms, p99 ${added.p99.toFixed(2)} ms over direct; ` +
        `the minimal proxy adds p50 ${proxyAdded.p50.toFixed(2)} ms, p99 ${proxyAdded.p99.toFixed(2)} ms. ` +
        `Targets: p50 ≤ proxy's + 1 ms (${verdict(added.p50 <= proxyAdded.p50 + 1)}), p99 ≤ proxy's + 3 ms (${verdict(added.p99 <= proxyAdded.p99 + 3)})`,
    );
    console.log(
      `${scenario.name}: gateway keys on add p50 ${(withKeys.p50 - switchyard.p50).toFixed(3)} ms, p99 ${(withKeys.p99 - switchyard.p99).toFixed(3)} ms (target: p50 ≤ 0.1 ms)`,
    );
  }
  console.log(`gateway RSS after the fixed-rate runs: ${rssMiB(gateway.child.pid).toFixed(0)} MiB`);
}

if (parts.has('saturated')) {
  console.log(`\nsaturated (autocannon, no rate limit) ${connections} connections, ${duration}s per run`);
  console.log(
    `${'scenario'.padEnd(15)}${'path'.padEnd(20)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'non2xx'.padStart(8)}`,
  );
  for (const scenario of scenarios) {
    const paths = [
      { path: 'direct', url: direct },
      { path: 'minimal proxy', url: minimalProxy.url },
      { path: 'inherent-work proxy', url: inherentProxy.url },
      { path: 'through switchyard', url: through },
    ];
    const rates = {};
    for (const path of paths) {
      await saturated(path.url, scenario.stream, warmup);
      const result = await saturated(path.url, scenario.stream, duration);
      rates[path.path] = result.requests.average;
      console.log(
        `${scenario.name.padEnd(15)}${path.path.padEnd(20)}${result.requests.average.toFixed(0).padStart(9)}${format(result.latency.p50)}${format(result.latency.p99)}${String(result.non2xx).padStart(8)}`,
      );
    }
    const ratio = rates['through switchyard'] / rates['minimal proxy'];
    const inherent = rates['inherent-work proxy'] / rates['minimal proxy'];
    console.log(
      `${scenario.name}: switchyard serves ${(100 * ratio).toFixed(0)}% of the minimal proxy's saturated req/s (target ≥ 75%: ${verdict(ratio >= 0.75)}); ` +
        `the inherent-work proxy ${(100 * inherent).toFixed(0)}%`,
    );
  }
}

if (parts.has('long')) {
  const streams = Number(values.streams);
  const tokens = Number(values['stream-tokens']);
  const timing = {
    timeToFirstTokenMs: Number(values['time-to-first-token']),
    tokensPerSecond: Number(values['tokens-per-second']),
  };
  await paceUpstreams(simulator.url, timing);
  const longConfigPath = join(folder, 'switchyard-long.yaml');
  writeFileSync(longConfigPath, longStreamConfig(simulator.url));
  const longGateway = await start(['serve', '--config', longConfigPath, '--port', '0']);
  // The floor: the same streams through the minimal proxy (node:http in, undici out, nothing else).
  const longProxy = await start(
    [`${simulator.url}/u/slow-a/v1/messages`],
    join(dirname(fileURLToPath(import.meta.url)), 'minimal-proxy.mjs'),
  );
  // Both are warmed alike, as the fixed-rate and saturated parts are: a replica that has served
  // traffic, not one whose first thousand requests run in the interpreter. The warm-up streams go to
  // the paced upstreams but are short (2 tokens), so the gateway learns the upstreams' real time to
  // first token, as a replica in service would have.
  const freshRss = { gateway: rssMiB(longGateway.child.pid), proxy: rssMiB(longProxy.child.pid) };
  const warmStreams = Number(values['long-warmup']);
  for (const [name, url, model] of [
    ['gateway', `${longGateway.url}/v1/messages`, 'sonnet'],
    ['proxy', longProxy.url, 'claude-sonnet-4-6'],
  ]) {
    const warm = await openLoop({
      url,
      body: JSON.stringify({ model, max_tokens: 2, stream: true, messages: [{ role: 'user', content: 'Warm up.' }] }),
      headers,
      rate: 500,
      seconds: warmStreams / 500,
      connections: 1000,
    });
    if (warm.responses !== warm.sent)
      throw new Error(`warming the ${name}: ${warm.sent - warm.responses} streams failed`);
  }
  const warmRss = { gateway: rssMiB(longGateway.child.pid), proxy: rssMiB(longProxy.child.pid) };
  const seconds = (timing.timeToFirstTokenMs + (tokens - 1) * (1000 / timing.tokensPerSecond)) / 1000;
  console.log(
    `\n${streams} concurrent streams; upstream: first token after ${timing.timeToFirstTokenMs} ms, ${timing.tokensPerSecond} tokens/s, ${tokens} tokens (~${seconds.toFixed(0)} s each); gateway and proxy each warmed first with ${warmStreams} short streams at 500/s`,
  );
  // The same streams straight at the simulator first: what this box gives without the gateway.
  const straight = await longStreams({
    url: `${simulator.url}/u/slow-a/v1/messages`,
    streams,
    tokens,
    model: 'claude-sonnet-4-6',
  });
  const floor = await longStreams({
    url: longProxy.url,
    streams,
    tokens,
    model: 'claude-sonnet-4-6',
    gatewayPid: longProxy.child.pid,
  });
  const result = await longStreams({
    url: `${longGateway.url}/v1/messages`,
    streams,
    tokens,
    gatewayPid: longGateway.child.pid,
  });
  const health = await (await fetch(`${longGateway.url}/admin/health`)).json();
  const states = Object.fromEntries(health.deployments.map((deployment) => [deployment.id, deployment.state]));
  const ejected = health.deployments.filter((deployment) => deployment.state !== 'healthy');
  const limitMs = timing.timeToFirstTokenMs + 1000;
  const inSeconds = (value) => `${(value / 1000).toFixed(2)} s`;
  console.log(
    `${'path'.padEnd(20)}${'first byte p50'.padStart(16)}${'slowest'.padStart(10)}${'first text p50'.padStart(16)}${'slowest'.padStart(10)}${'whole p50'.padStart(11)}${'completed'.padStart(11)}${'non2xx'.padStart(8)}${'errors'.padStart(8)}`,
  );
  for (const [path, row] of [
    ['direct', straight],
    ['minimal proxy', floor],
    ['through switchyard', result],
  ]) {
    console.log(
      `${path.padEnd(20)}${inSeconds(row.firstByteP50).padStart(16)}${inSeconds(row.firstByteSlowest).padStart(10)}${inSeconds(row.firstContentP50).padStart(16)}${inSeconds(row.firstContentSlowest).padStart(10)}${inSeconds(row.wholeP50).padStart(11)}${`${row.completed}/${streams}`.padStart(11)}${String(row.non2xx).padStart(8)}${String(row.errors).padStart(8)}`,
    );
  }
  console.log(
    `every first byte through switchyard ≤ time to first token + 1 s (${limitMs} ms): ${verdict(result.firstByteSlowest <= limitMs && result.completed === streams)}; ` +
      `slowest first byte through switchyard − slowest first text direct: ${(result.firstByteSlowest - straight.firstContentSlowest).toFixed(0)} ms`,
  );
  console.log(
    `deployments after the run: ${JSON.stringify(states)} (target: none ejected: ${verdict(ejected.length === 0)})`,
  );
  console.log(
    `gateway peak RSS: ${result.peakRss.toFixed(0)} MiB (target ≤ 150: ${verdict(result.peakRss <= 150)}), freshly started ${freshRss.gateway.toFixed(0)} MiB, after the warm-up ${warmRss.gateway.toFixed(0)} MiB; ` +
      `minimal proxy peak ${floor.peakRss.toFixed(0)} MiB, fresh ${freshRss.proxy.toFixed(0)}, after the warm-up ${warmRss.proxy.toFixed(0)} MiB`,
  );
}
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
// Wait for the children to stop: one that logged its shutdown to a pipe this process had already
// closed would print an EPIPE stack after the figures.
await Promise.all(
  children.map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  ),
);
process.exit(0);
