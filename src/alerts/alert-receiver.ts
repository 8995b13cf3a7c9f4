// A local HTTP receiver for alerts: records every POST (raw body kept, so a webhook signature can be
// checked), answers as told. For tests and for the demo, which shows alerts arriving.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody } from './webhook-sink.js';

export interface ReceivedAlert {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface AlertReceiverOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How to answer the n-th request (0-based); default 200 "ok". */
  answer?: (request: ReceivedAlert, index: number) => ReceiverAnswer;
}

export interface AlertReceiver {
  url: string;
  port: number;
  /** Every request received so far, answered or not. */
  received: ReceivedAlert[];
  /** Resolves once at least `count` requests have arrived. */
  waitFor(count: number): Promise<ReceivedAlert[]>;
  close(): Promise<void>;
}

/** Whether `x-switchyard-signature` is the HMAC-SHA256 of the raw body under `secret`. */
export function verifyWebhookSignature(
  rawBody: string,
  signature: string | string[] | undefined,
  secret: string,
): boolean {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(signBody(rawBody, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startAlertReceiver(options: AlertReceiverOptions = {}): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const waiters: Array<{ count: number; resolve: (value: ReceivedAlert[]) => void }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const entry: ReceivedAlert = { path: request.url ?? '/', headers: request.headers, rawBody, body };
      const index = received.length;
      received.push(entry);
      const answer = options.answer?.(entry, index) ?? { status: 200, body: 'ok' };
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
      for (const waiter of waiters.filter((candidate) => received.length >= candidate.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([...received]);
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
