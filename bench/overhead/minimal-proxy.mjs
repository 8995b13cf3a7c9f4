// The floor any Node gateway pays on this machine: node:http in, undici out, bytes piped through
// with no parsing, routing or translation. bench/overhead compares Switchyard against it so that
// the cost of the extra hop (two more process wake-ups on loopback) is told apart from ours. Like the
// gateway, it puts no cap on upstream connections and listens with a deep accept queue, so that the
// 1,000 long streams measure the floor too (time to first byte, RSS).
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstream] = process.argv.slice(2);
const target = new URL(upstream);
const pool = new Pool(target.origin, { connections: null, headersTimeout: 0, bodyTimeout: 0 });
const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    const answer = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: { 'content-type': 'application/json', 'x-api-key': 'bench-key', 'anthropic-version': '2023-06-01' },
      body: Buffer.concat(chunks),
    });
    response.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
    for await (const chunk of answer.body) response.write(chunk);
    response.end();
  } catch {
    response.writeHead(502).end();
  }
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
  console.log(`minimal proxy on http://127.0.0.1:${server.address().port}`),
);
