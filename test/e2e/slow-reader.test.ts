// A client that never reads its stream, against a real listening gateway: the upstream could send
// 64 MB, far more than the kernel's socket buffers between the three parties hold (a few MB on
// loopback). With backpressure the gateway stops pulling upstream events once the client's socket is
// full, so the upstream's own writes block (it honours TCP backpressure, as providers' servers do)
// well before the answer is out, and the gateway's buffered bytes stay near one socket buffer. A
// gateway that read on regardless would take the whole answer from the upstream and hold it.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { eventually } from './harness.js';

const answerBytes = 64 * 1024 * 1024;
/** What the gateway may hold for one stalled client: its socket's high-water mark and one event, rounded up. */
const bufferedBound = 256 * 1024;
const deltaText = 'y'.repeat(4_000);

/** How much of its answer the upstream got out, and whether it is waiting for its socket to drain. */
interface UpstreamProgress {
  bytesWritten: number;
  waitingForDrain: boolean;
  finished: boolean;
}

const progress: UpstreamProgress = { bytesWritten: 0, waitingForDrain: false, finished: false };
let upstream: Server;
let gateway: RunningGateway;
let client: Socket | undefined;

function sse(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

/** An Anthropic stream of `answerBytes` of text deltas, written only as fast as the socket takes them. */
async function streamLongAnswer(response: ServerResponse): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const write = async (text: string) => {
    progress.bytesWritten += Buffer.byteLength(text);
    if (response.write(text)) return;
    progress.waitingForDrain = true;
    await new Promise<void>((resolve) => {
      response.once('drain', resolve);
      response.once('close', resolve);
    });
    progress.waitingForDrain = false;
  };
  await write(
    sse('message_start', {
      message: {
        id: 'msg_slow_reader',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    }),
  );
  await write(sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  const delta = sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: deltaText } });
  while (progress.bytesWritten < answerBytes && !response.destroyed) await write(delta);
  if (response.destroyed) return;
  await write(sse('content_block_stop', { index: 0 }));
  await write(sse('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 16_000 } }));
  await write(sse('message_stop', {}));
  progress.finished = true;
  response.end();
}

beforeAll(async () => {
  upstream = createServer((request, response) => {
    request.resume();
    request.on('end', () => void streamLongAnswer(response));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      { id: 'claude-a', provider: 'anthropic', model: 'claude-sonnet-4-6', baseUrl: upstreamUrl, apiKey: 'sim-key' },
    ],
    routes: [{ name: 'claude', deployments: ['claude-a'] }],
    timeouts: { requestMs: 60_000, firstTokenMs: 10_000 },
    health: { probes: { enabled: false } },
    store: false,
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
});

afterAll(async () => {
  client?.destroy();
  await gateway?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
});

async function clientBufferedBytes(): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('switchyard_client_buffered_bytes '));
  return Number(line?.split(' ')[1]);
}

describe('a client that never reads', () => {
  it('stops the gateway pulling the upstream: the answer stays mostly unsent and gateway buffers stay small', async () => {
    const body = JSON.stringify({
      model: 'claude',
      max_tokens: 64_000,
      stream: true,
      messages: [{ role: 'user', content: 'A very long story' }],
    });
    const socket = connect(gateway.port, '127.0.0.1');
    client = socket;
    socket.on('error', () => {});
    // Never read: only the kernel's receive buffer takes what the gateway sends.
    socket.pause();
    socket.write(
      `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );

    // The upstream fills every buffer on the way, then waits for a drain that does not come. Sampled
    // several times in a row, so a moment's wait in a gateway that reads on regardless does not pass.
    let blockedSamples = 0;
    await eventually(
      async () => {
        blockedSamples = progress.waitingForDrain && !progress.finished ? blockedSamples + 1 : 0;
        return { blockedSamples, finished: progress.finished };
      },
      (state) => state.blockedSamples >= 10 || state.finished,
      500,
    );
    expect(progress.finished).toBe(false);
    // The kernel buffers between client, gateway and upstream hold a few MB at most.
    expect(progress.bytesWritten).toBeLessThan(answerBytes / 4);
    const buffered = await clientBufferedBytes();
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(bufferedBound);
    console.log(
      `upstream sent ${(progress.bytesWritten / 1024 / 1024).toFixed(1)} MB of ${answerBytes / 1024 / 1024} MB; gateway buffers ${buffered} bytes`,
    );

    // The client leaves: the stream ends and the gateway holds nothing for it.
    socket.destroy();
    expect(
      await eventually(
        () => clientBufferedBytes(),
        (bytes) => bytes === 0,
      ),
    ).toBe(0);
  });
});
