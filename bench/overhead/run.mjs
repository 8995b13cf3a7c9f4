// bench/overhead: what Switchyard adds to a request. The simulator and the gateway run as their
// own processes (as in production); autocannon drives a fixed rate, first straight at the
// simulator, then through the gateway to the same simulated upstream, and prints both.
//
//   cd bench/overhead && npm install && node run.mjs [--rate 1000] [--duration 15] [--connections 32]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'switchyard.js');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '3' },
  },
});
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

const body = (stream) =>
  JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    stream,
    messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
  });
const headers = { 'content-type': 'application/json', 'x-api-key': 'bench-key', 'anthropic-version': '2023-06-01' };

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/** CPU milliseconds (user + system) a process has used so far, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

// autocannon's own histogram rounds to whole milliseconds; the per-response durations it emits
// are hrtime-based, so percentiles are computed from those for sub-millisecond resolution.
function run(url, stream, seconds, measured = gateway, requestHeaders = headers) {
  return new Promise((resolve, reject) => {
    const durations = [];
    const gatewayCpuBefore = cpuMs(measured.child.pid);
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: requestHeaders,
        body: body(stream),
        connections,
        overallRate: rate,
        duration: seconds,
      },
      (error, result) => {
        if (error) return reject(error);
        durations.sort((a, b) => a - b);
        resolve({
          result,
          p50: percentile(durations, 0.5),
          p90: percentile(durations, 0.9),
          p99: percentile(durations, 0.99),
          gatewayCpuMs: cpuMs(measured.child.pid) - gatewayCpuBefore,
          responses: durations.length,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) durations.push(responseTime);
    });
  });
}

const scenarios = [
  { name: 'non-streaming', stream: false },
  { name: 'streaming', stream: true },
];
const rows = [];
for (const scenario of scenarios) {
  const direct = `${simulator.url}/u/claude-a/v1/messages`;
  const through = `${gateway.url}/v1/messages`;
  await run(direct, scenario.stream, warmup);
  await run(minimalProxy.url, scenario.stream, warmup, minimalProxy);
  await run(through, scenario.stream, warmup);
  const keyed = `${keyedGateway.url}/v1/messages`;
  const keyedHeaders = { ...headers, 'x-api-key': benchKey };
  await run(keyed, scenario.stream, warmup, keyedGateway, keyedHeaders);
  const directResult = await run(direct, scenario.stream, duration);
  const minimalResult = await run(minimalProxy.url, scenario.stream, duration, minimalProxy);
  const throughResult = await run(through, scenario.stream, duration);
  rows.push({ scenario: scenario.name, path: 'direct', result: directResult });
  rows.push({ scenario: scenario.name, path: 'minimal proxy', result: minimalResult });
  rows.push({ scenario: scenario.name, path: 'through switchyard', result: throughResult });
  const keyedResult = await run(keyed, scenario.stream, duration, keyedGateway, keyedHeaders);
  rows.push({ scenario: scenario.name, path: 'switchyard + keys', result: keyedResult });
}

const gatewayRss = rssMiB(gateway.child.pid);
const format = (value) => value.toFixed(2).padStart(9);
console.log(
  `\nbench/overhead — fixed rate ${rate} req/s, ${connections} connections, ${duration}s per run, ${process.version}, ${(await import('node:os')).cpus().length} cores`,
);
console.log(
  `${'scenario'.padEnd(15)}${'path'.padEnd(20)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'non2xx'.padStart(8)}${'gw CPU ms/req'.padStart(15)}`,
);
for (const row of rows) {
  const { result } = row.result;
  const cpuPerRequest =
    row.path === 'direct' ? '-' : (row.result.gatewayCpuMs / Math.max(1, row.result.responses)).toFixed(3);
  console.log(
    `${row.scenario.padEnd(15)}${row.path.padEnd(20)}${result.requests.average.toFixed(0).padStart(9)}${format(row.result.p50)}${format(row.result.p90)}${format(row.result.p99)}${String(result.errors).padStart(8)}${String(result.non2xx).padStart(8)}${cpuPerRequest.padStart(15)}`,
  );
}
console.log('');
for (const scenario of scenarios) {
  const direct = rows.find((row) => row.scenario === scenario.name && row.path === 'direct').result;
  const minimal = rows.find((row) => row.scenario === scenario.name && row.path === 'minimal proxy').result;
  const through = rows.find((row) => row.scenario === scenario.name && row.path === 'through switchyard').result;
  const keyed = rows.find((row) => row.scenario === scenario.name && row.path === 'switchyard + keys').result;
  console.log(
    `${scenario.name}: gateway keys on add p50 ${(keyed.p50 - through.p50).toFixed(3)} ms, p99 ${(keyed.p99 - through.p99).toFixed(3)} ms (target: p50 ≤ 0.1 ms)`,
  );
  console.log(
    `${scenario.name}: added p50 ${(through.p50 - direct.p50).toFixed(2)} ms, added p99 ${(through.p99 - direct.p99).toFixed(2)} ms vs direct ` +
      `(targets: p50 ≤ 1 ms, p99 ≤ 5 ms); a minimal pass-through proxy adds p50 ${(minimal.p50 - direct.p50).toFixed(2)} ms, p99 ${(minimal.p99 - direct.p99).toFixed(2)} ms`,
  );
}
console.log(`gateway RSS after the runs: ${gatewayRss.toFixed(0)} MiB`);
cleanup();
process.exit(0);
