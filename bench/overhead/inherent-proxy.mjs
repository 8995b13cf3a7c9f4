// The minimal proxy plus only the work every LLM gateway must do per request, whatever it is built
// with: parse the client's JSON body (which model, whether it streams), look the route up, forward the
// body, then parse the answer — the JSON body's usage, or every SSE event's JSON (to know the client can
// parse it, and to find usage) — and count the request. bench/overhead runs it beside the minimal proxy
// in the saturated part, to tell what any gateway pays on this machine from what Switchyard's own
// request path costs.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstream] = process.argv.slice(2);
const target = new URL(upstream);
const pool = new Pool(target.origin, { connections: null, headersTimeout: 0, bodyTimeout: 0 });
const routes = new Map([['claude-sonnet-4-6', { deployment: 'claude-a' }]]);
const counts = new Map();

function count(deployment, outputTokens, ms) {
  const entry = counts.get(deployment) ?? { requests: 0, outputTokens: 0, ms: 0 };
  entry.requests += 1;
  entry.outputTokens += outputTokens;
  entry.ms += ms;
  counts.set(deployment, entry);
}

/** Output tokens from every complete event in `text`; returns the unread rest. */
function readEvents(text, found) {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n\n', start);
    if (end === -1) return text.slice(start);
    const event = text.slice(start, end);
    start = end + 2;
    const data = event.indexOf('data: ');
    if (data === -1) continue;
    const parsed = JSON.parse(event.slice(data + 6));
    if (parsed.usage?.output_tokens !== undefined) found.outputTokens = parsed.usage.output_tokens;
  }
}

const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    response.writeHead(400).end();
    return;
  }
  const route = routes.get(body.model);
  if (route === undefined) {
    response.writeHead(404).end();
    return;
  }
  const started = performance.now();
  try {
    const answer = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: { 'content-type': 'application/json', 'x-api-key': 'bench-key', 'anthropic-version': '2023-06-01' },
      body: text,
    });
    response.writeHead(answer.statusCode, {
      'content-type': answer.headers['content-type'] ?? 'application/json',
      'x-switchyard-deployment': route.deployment,
    });
    const found = { outputTokens: 0 };
    if (body.stream) {
      let rest = '';
      for await (const chunk of answer.body) {
        rest = readEvents(rest + chunk.toString('utf8'), found);
        response.write(chunk);
      }
    } else {
      const parts = [];
      for await (const chunk of answer.body) parts.push(chunk);
      const whole = Buffer.concat(parts);
      found.outputTokens = JSON.parse(whole.toString('utf8')).usage?.output_tokens ?? 0;
      response.write(whole);
    }
    response.end();
    count(route.deployment, found.outputTokens, performance.now() - started);
  } catch {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  }
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
  console.log(`inherent-work proxy on http://127.0.0.1:${server.address().port}`),
);
