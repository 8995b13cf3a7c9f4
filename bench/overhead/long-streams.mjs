// 1,000 concurrent long streams through Switchyard against a healthy simulated upstream that streams
// slowly (a Claude Code fleet holds hundreds of streams at once, for minutes each). The gateway
// holds each stream until its first content, so a client's first byte should come no later than
// the upstream's time to first token plus a little: waiting for a connection, or for the gateway's
// own event loop, must neither delay it past that nor be charged to the upstream (no ejection).
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The YAML of the gateway under test: three deployments of the slow upstream, one route. */
export function longStreamConfig(simulatorUrl) {
  const deployment = (name) =>
    `  - { id: ${name}, provider: anthropic, model: claude-sonnet-4-6, baseUrl: ${simulatorUrl}/u/${name}, apiKey: bench-key }`;
  return `server: { host: 127.0.0.1, port: 0 }
deployments:
${['slow-a', 'slow-b', 'slow-c'].map(deployment).join('\n')}
routes:
  - { name: sonnet, deployments: [slow-a, slow-b, slow-c] }
logging: { level: warn }
store: false
`;
}

/** Paces the three simulated upstreams: first token after `timeToFirstTokenMs`, then `tokensPerSecond`. */
export async function paceUpstreams(simulatorUrl, timing) {
  for (const name of ['slow-a', 'slow-b', 'slow-c']) {
    const answer = await fetch(`${simulatorUrl}/_sim/upstreams/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(timing),
    });
    if (!answer.ok) throw new Error(`pacing ${name}: ${answer.status} ${await answer.text()}`);
  }
}

/**
 * Opens `streams` streaming requests at once on `url` (one connection each) and reads them to the end.
 * Resolves the first-byte and whole-stream times (ms), non-2xx count, errors, and the gateway's peak RSS.
 */
export async function longStreams({ url, streams, tokens, gatewayPid, model = 'sonnet' }) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: streams, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  const body = JSON.stringify({
    model,
    max_tokens: tokens,
    stream: true,
    messages: [{ role: 'user', content: 'Tell the long-stream benchmark a slow story.' }],
  });
  const headers = { 'content-type': 'application/json', 'x-api-key': 'bench-key', 'anthropic-version': '2023-06-01' };
  let peakRss = gatewayPid ? rssMiB(gatewayPid) : 0;
  const sampler = setInterval(() => {
    if (gatewayPid) peakRss = Math.max(peakRss, rssMiB(gatewayPid));
  }, 250);
  const firstBytes = [];
  const firstContents = [];
  const wholes = [];
  let non2xx = 0;
  let errors = 0;
  const one = async () => {
    const sentAt = performance.now();
    try {
      const answer = await pool.request({ method: 'POST', path: target.pathname, headers, body });
      if (answer.statusCode !== 200) {
        non2xx += 1;
        await answer.body.dump();
        return;
      }
      let first = true;
      let content = false;
      for await (const chunk of answer.body) {
        if (first) firstBytes.push(performance.now() - sentAt);
        first = false;
        // The first text the model produced (the gateway holds everything before it).
        if (!content && String(chunk).includes('content_block_delta')) {
          content = true;
          firstContents.push(performance.now() - sentAt);
        }
      }
      wholes.push(performance.now() - sentAt);
    } catch {
      errors += 1;
    }
  };
  await Promise.all(Array.from({ length: streams }, one));
  clearInterval(sampler);
  await pool.close();
  firstBytes.sort((a, b) => a - b);
  firstContents.sort((a, b) => a - b);
  wholes.sort((a, b) => a - b);
  return {
    completed: wholes.length,
    firstByteP50: percentile(firstBytes, 0.5),
    firstByteSlowest: firstBytes.at(-1) ?? Number.NaN,
    firstContentP50: percentile(firstContents, 0.5),
    firstContentSlowest: firstContents.at(-1) ?? Number.NaN,
    wholeP50: percentile(wholes, 0.5),
    wholeSlowest: wholes.at(-1) ?? Number.NaN,
    non2xx,
    errors,
    peakRss,
  };
}
