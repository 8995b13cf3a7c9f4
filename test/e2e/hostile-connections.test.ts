// Hostile and unlucky connections against a real listening gateway: a slow-loris client that never
// finishes its headers and an upload that trickles are closed with a 408 in a shape both SDKs read
// (not left open, not dropped silently); oversized headers get a 431 the same way; half-open
// connections do not starve anyone else; a client that disconnects mid-stream aborts the upstream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { eventually } from './harness.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;

beforeAll(async () => {
  keyed = await startKeyedGateway({
    extra: { server: { host: '127.0.0.1', port: 0, headersTimeoutMs: 300, requestTimeoutMs: 600 } },
  });
});
afterAll(async () => keyed.close());

/** Opens a raw connection, writes `text`, and resolves with everything received once the server closes it. */
function rawExchange(text: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(keyed.gateway.port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {});
  socket.write(text);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return { socket, closed };
}

function parseAnswer(received: string): { status: number; body: Record<string, any> } {
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as Record<string, any> };
}

describe('hostile connections', () => {
  it('closes a slow-loris connection with a 408 that both SDK formats can read', async () => {
    const { closed } = rawExchange('POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ');
    const answer = parseAnswer(await closed);
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ type: 'error', error: { type: 'timeout_error', code: 'timeout_error' } });
  });

  it('closes a trickling upload with a 408 once the request timeout passes', async () => {
    const { socket, closed } = rawExchange(
      `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\nx-api-key: ${keyed.configKey}\r\ncontent-length: 100000\r\n\r\n{"model":`,
    );
    // One more byte now and then is not enough to keep it open past the deadline.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    const received = await closed.finally(() => clearInterval(trickle));
    expect(received.startsWith('HTTP/1.1 408')).toBe(true);
    expect(await keyed.upstreamRequests('claude-a')).toBe(0);
  });

  it('answers oversized headers with a 431 in the client format', async () => {
    const { closed } = rawExchange(
      `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    const answer = parseAnswer(await closed);
    expect(answer.status).toBe(431);
    expect(answer.body.error.type).toBe('request_too_large');
  });

  it('keeps serving while many half-open connections sit idle', async () => {
    const idle = Array.from({ length: 50 }, () => rawExchange('POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'sonnet',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content[0]?.type).toBe('text');
    const answers = await Promise.all(idle.map((connection) => connection.closed));
    for (const received of answers) expect(received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('aborts the upstream attempt within 100 ms of the gateway seeing the client disconnect', async () => {
    // Two tokens a second: the next upstream event is ~500 ms away when the client leaves, so a gateway
    // that noticed the disconnect only when it next pulled or wrote an event would miss the bound.
    await fetch(`${keyed.simulator.url}/_sim/upstreams/claude-a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokensPerSecond: 2 }),
    });
    // When the gateway's side of the connection first showed the client gone (its FIN, or the response
    // closing), stamped on the system clock, the simulator's clock too: one time line for both ends.
    let gatewaySawLeaveAt: number | undefined;
    const stampLeave = () => {
      gatewaySawLeaveAt ??= Date.now();
    };
    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      if (request.url !== '/v1/messages') return;
      request.socket.once('end', stampLeave);
      response.once('close', () => !response.writableFinished && stampLeave());
    };
    keyed.gateway.app.server.prependListener('request', onRequest);
    const upstream = keyed.simulator.upstreams.get('claude-a');
    const abortsBefore = upstream.abortedAt.length;
    try {
      const controller = new AbortController();
      const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
      const stream = client.messages.stream(
        { model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'Tell a long story' }] },
        { signal: controller.signal },
      );
      const ended = stream.finalMessage().catch((error: unknown) => error);
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      const disconnectedAt = Date.now();
      controller.abort();
      expect(await ended).toBeInstanceOf(Anthropic.APIUserAbortError);
      const upstreamAbortedAt = await eventually(
        async () => upstream.abortedAt[abortsBefore],
        (abortedAt) => abortedAt !== undefined,
      );
      expect(upstream.abortedAt).toHaveLength(abortsBefore + 1);
      expect(gatewaySawLeaveAt).toBeDefined();
      const abortDelayMs = upstreamAbortedAt! - gatewaySawLeaveAt!;
      expect(abortDelayMs).toBeGreaterThanOrEqual(0);
      expect(abortDelayMs).toBeLessThan(100);
      // The client's own teardown (its fetch closing the socket) is the client's time, not the gateway's.
      console.log(
        `client abort → gateway saw it ${gatewaySawLeaveAt! - disconnectedAt} ms; → upstream aborted ${abortDelayMs} ms later`,
      );
    } finally {
      keyed.gateway.app.server.removeListener('request', onRequest);
    }
  });
});
