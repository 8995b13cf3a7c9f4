// The upstream pools against real local servers: no connection cap of their own by default (long
// streams must not queue behind 256 others), HTTP/2 multiplexing when a TLS upstream offers h2, an
// optional cap, a cold burst on one h2 connection (and not held back on HTTP/1.1), `onDispatched`
// firing when a request actually leaves on a connection, and a server's
// GOAWAY (new streams go to a new connection; a stream undici ended with the old one is sent again).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Http2SecureServer, type ServerHttp2Stream, createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools } from './upstream-pools.js';

const turns = async (count: number) => {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await turns(1);
}

/** An HTTP/1.1 server that holds every request until released. */
function holdingServer() {
  const held: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => held.push(response));
  });
  const release = () => {
    for (const response of held.splice(0)) response.end('{"ok":true}');
  };
  return { server, held, release };
}

async function listen(server: Server | Http2SecureServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const post = {
  method: 'POST' as const,
  path: '/v1/messages',
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

describe('upstream pools over HTTP/1.1', () => {
  it('puts no cap of its own on connections: 300 streams are in flight at once', async () => {
    const { server, held, release } = holdingServer();
    const port = await listen(server);
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000 });
    const answers = Array.from({ length: 300 }, () => pools.request(`http://127.0.0.1:${port}`, post));
    await until(() => held.length === 300);
    release();
    for (const answer of await Promise.all(answers)) await answer.body.text();
    await pools.close();
    server.close();
  });

  it('says when a request leaves: with a cap of one connection, the second waits for the first', async () => {
    const { server, held, release } = holdingServer();
    const port = await listen(server);
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, connectionsPerOrigin: 1 });
    const dispatched: boolean[] = [false, false];
    const answers = [0, 1].map((index) =>
      pools.request(`http://127.0.0.1:${port}`, { ...post, onDispatched: () => (dispatched[index] = true) }),
    );
    await until(() => held.length === 1);
    await turns(20);
    expect(dispatched).toEqual([true, false]);
    release();
    await until(() => held.length === 1);
    expect(dispatched).toEqual([true, true]);
    release();
    for (const answer of await Promise.all(answers)) await answer.body.text();
    await pools.close();
    server.close();
  });
});

describe('upstream pools over HTTP/2', () => {
  let folder: string;
  let server: Http2SecureServer;
  let port: number;
  let cert: string;
  const sessions: unknown[] = [];
  const open: ServerHttp2Stream[] = [];
  let mostAtOnce = 0;
  const closedStreams: number[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'switchyard-h2-'));
    // A throw-away self-signed certificate for 127.0.0.1, trusted by these pools only.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(folder, 'cert.pem'), 'utf8');
    server = createSecureServer({ key: readFileSync(join(folder, 'key.pem')), cert });
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream, headers) => {
      stream.resume();
      stream.on('end', () => {
        if (headers['x-stream'] !== undefined) {
          // An SSE answer that never ends on its own: the client reads one event, then aborts.
          stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
          stream.write('event: ping\ndata: {"type":"ping"}\n\n');
          stream.on('close', () => closedStreams.push(stream.rstCode));
          return;
        }
        if (headers['x-goaway'] !== undefined) {
          // The server is going away (a deploy, a load balancer draining): this answer is sent, and then the
          // session refuses new streams; a stream it already took finishes.
          stream.respond({ ':status': 200, 'content-type': 'application/json' });
          const session = stream.session;
          stream.end('{"protocol":"h2","last":true}');
          stream.on('close', () => session?.goaway());
          return;
        }
        if (headers['x-hold'] === undefined) {
          stream.respond({ ':status': 200, 'content-type': 'application/json' });
          stream.end('{"protocol":"h2"}');
          return;
        }
        open.push(stream);
        mostAtOnce = Math.max(mostAtOnce, open.length);
      });
    });
    port = await listen(server);
  });

  afterAll(() => {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('negotiates h2 and carries concurrent requests as streams of one connection', async () => {
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, tls: { ca: cert } });
    const origin = `https://127.0.0.1:${port}`;
    const first = await pools.request(origin, post);
    expect(first.statusCode).toBe(200);
    expect(await first.body.json()).toEqual({ protocol: 'h2' });
    expect(sessions).toHaveLength(1);

    const dispatched: number[] = [];
    const answers = Array.from({ length: 10 }, (_, index) =>
      pools.request(origin, {
        ...post,
        headers: { ...post.headers, 'x-hold': String(index) },
        onDispatched: () => dispatched.push(index),
      }),
    );
    await until(() => open.length === 10);
    expect(mostAtOnce).toBe(10);
    expect(dispatched).toHaveLength(10);
    expect(sessions).toHaveLength(1);
    for (const stream of open.splice(0)) {
      stream.respond({ ':status': 200 });
      stream.end('held');
    }
    for (const answer of await Promise.all(answers)) expect(await answer.body.text()).toBe('held');
    await pools.close();
  });

  it('carries a cold burst on one connection: the requests after the first wait for its handshake', async () => {
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, tls: { ca: cert } });
    const before = sessions.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => pools.request(`https://127.0.0.1:${port}`, post)),
    );
    for (const answer of answers) expect(await answer.body.json()).toEqual({ protocol: 'h2' });
    // Without the wait, each of the 20 found every connection busy (still connecting) and opened its own.
    expect(sessions.length - before).toBe(1);
    await pools.close();
  });

  it('lets a cold burst to a TLS upstream that speaks only HTTP/1.1 open its connections at once', async () => {
    const { createServer: createHttpsServer } = await import('node:https');
    const held: ServerResponse[] = [];
    const https = createHttpsServer({ key: readFileSync(join(folder, 'key.pem')), cert }, (request, response) => {
      request.resume();
      request.on('end', () => held.push(response));
    });
    const httpsPort = await listen(https as unknown as Server);
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, tls: { ca: cert } });
    const answers = Array.from({ length: 5 }, () => pools.request(`https://127.0.0.1:${httpsPort}`, post));
    // All five are held by the server at the same time: none queued behind the first connection.
    await until(() => held.length === 5);
    for (const response of held.splice(0)) response.end('{"protocol":"http/1.1"}');
    for (const answer of await Promise.all(answers)) expect(await answer.body.json()).toEqual({ protocol: 'http/1.1' });
    await pools.close();
    https.close();
  });

  it('streams an answer over h2 and aborts it mid-stream without harming the connection', async () => {
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, tls: { ca: cert } });
    const origin = `https://127.0.0.1:${port}`;
    await (await pools.request(origin, post)).body.text();
    const before = sessions.length;
    const controller = new AbortController();
    const answer = await pools.request(origin, {
      ...post,
      headers: { ...post.headers, 'x-stream': '1' },
      signal: controller.signal,
    });
    const reader = answer.body[Symbol.asyncIterator]();
    expect(String((await reader.next()).value)).toContain('event: ping');
    controller.abort();
    await expect(reader.next()).rejects.toThrow();
    await until(() => closedStreams.length === 1);
    const after = await pools.request(origin, post);
    expect(await after.body.json()).toEqual({ protocol: 'h2' });
    expect(sessions.length).toBe(before);
    await pools.close();
  });

  it('moves to a new connection when the server sends GOAWAY, and sends a stream left without an answer again', async () => {
    const pools = new UpstreamPools({ connectTimeoutMs: 5_000, tls: { ca: cert } });
    const origin = `https://127.0.0.1:${port}`;
    await (await pools.request(origin, post)).body.text();
    const before = sessions.length;
    // A stream in flight on the connection when it goes away.
    const held = pools.request(origin, { ...post, headers: { ...post.headers, 'x-hold': 'goaway' } });
    await until(() => open.length === 1);
    const last = await pools.request(origin, { ...post, headers: { ...post.headers, 'x-goaway': '1' } });
    expect(await last.body.json()).toEqual({ protocol: 'h2', last: true });
    // undici ended the held stream with the connection; it is sent again, on a new connection.
    await until(() => sessions.length === before + 1 && open.length === 2);
    const [gone, again] = open.splice(0) as [ServerHttp2Stream, ServerHttp2Stream];
    expect(gone.closed).toBe(true);
    again.respond({ ':status': 200 });
    again.end('held');
    expect(await (await held).body.text()).toBe('held');
    // Later requests go to the new connection.
    const after = await Promise.all(Array.from({ length: 5 }, () => pools.request(origin, post)));
    for (const answer of after) expect(await answer.body.json()).toEqual({ protocol: 'h2' });
    expect(sessions.length).toBe(before + 1);
    await pools.close();
  });
});
