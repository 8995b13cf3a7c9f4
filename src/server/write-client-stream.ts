// Writes a routed stream to the client (SSE, or Bedrock's binary event stream) in its own format, with
// keep-alive pings, and honours backpressure: when the client's socket buffer is full, no further event
// is pulled from the upstream until it drains, so a slow reader holds the upstream (TCP backpressure)
// instead of making the gateway buffer the answer. The bytes waiting in client sockets are counted
// (client-buffers.ts) for /metrics and /admin/health.
import { once } from 'node:events';
import type { FastifyReply } from 'fastify';
import type { Usage } from '../canonical/usage.js';
import { createRelayStreamWriter } from '../ingress/relay-stream-writer.js';
import { streamEndedEarly } from '../providers/attempt-failure.js';
import type { RoutedStream } from '../routing/routed.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import { trackClientBuffer } from './client-buffers.js';
import type { ClientDialect } from './dialects.js';
import { startKeepAlive, trackWrites } from './keep-alive.js';
import { type PipelineContext, shuttingDown, toGatewayError } from './serve-request.js';

/** An SSE chunk that mentions an error, scrubbed; any other chunk as it is (the common case costs one search). */
function scrubbedChunk(chunk: string | Uint8Array): string | Uint8Array {
  if (typeof chunk === 'string') return chunk.includes('error') ? scrubSecrets(chunk) : chunk;
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (!bytes.includes('error')) return chunk;
  const text = bytes.toString('utf8');
  const clean = scrubSecrets(text);
  return clean === text ? chunk : clean;
}

/** Resolves when the socket has drained, or the client went away (close, abort): never waits forever. */
async function drained(raw: NodeJS.WritableStream & { destroyed: boolean }, signal: AbortSignal): Promise<void> {
  if (raw.destroyed || signal.aborted) return;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([once(raw, 'drain', { signal: stop.signal }), once(raw, 'close', { signal: stop.signal })]);
  } catch {
    // Aborted: the loop sees the aborted signal next.
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
  }
}

export async function writeClientStream(
  dialect: ClientDialect,
  routed: RoutedStream,
  canonical: Parameters<ClientDialect['createStreamWriter']>[1],
  headers: Record<string, string>,
  reply: FastifyReply,
  controller: AbortController,
  context: PipelineContext,
): Promise<{ finished: boolean; usage?: Usage }> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': dialect.streamContentType,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...headers,
  });
  // No flushHeaders(): the first event follows at once (the stream is held until its first
  // content), and headers and first events then leave in one write.
  // Events that arrive together (one upstream chunk) leave together: cork on the first write and
  // uncork once the promise chain that carries them has settled (process.nextTick runs after the
  // microtasks), so a burst costs one syscall, not one per event. Not setImmediate: that waits for
  // every other ready socket callback of this loop turn, which under load delays each write by ms.
  // Upstream text can carry a configured secret in an error event (relayed byte for byte, or translated):
  // SSE chunks that mention an error are scrubbed; each is one whole event (the upstream's bytes are joined
  // into events before they get here), so a secret split across upstream reads is whole again. Binary
  // event streams are checksummed frames this cannot rewrite: Bedrock's writer scrubs an exception's
  // message before framing it.
  const textStream = dialect.streamContentType.startsWith('text/event-stream');
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  const sink = trackWrites(
    {
      write: (chunk) => {
        if (raw.destroyed) return;
        if (!corked) {
          corked = true;
          raw.cork();
          process.nextTick(uncork);
        }
        raw.write(textStream ? scrubbedChunk(chunk) : chunk);
      },
      end: () => raw.end(),
    },
    context.clock,
  );
  const translateWriter = dialect.createStreamWriter(sink, canonical, context.clock.now());
  const writer = routed.relayed === true ? createRelayStreamWriter(sink, translateWriter) : translateWriter;
  const stopKeepAlive = startKeepAlive(writer, sink, context.pingIntervalMs, context.clock);
  let finished = false;
  let usage: Usage | undefined;
  const untrack = trackClientBuffer(raw);
  try {
    for await (const event of routed.events) {
      if (controller.signal.aborted) break;
      if (event.type === 'finish') {
        finished = true;
        usage = event.usage;
      }
      writer.write(event);
      if (writer.done) break;
      // The client's buffer is full: pull nothing more from the upstream until it has drained.
      // Checked on the socket: a corked ServerResponse can report a need to drain that it never emits.
      const socket = raw.socket;
      if (socket?.writableNeedDrain) await drained(socket, controller.signal);
    }
    if (!writer.done && context.shutdown?.aborted) writer.fail(shuttingDown());
    // The router's streams always end with a finish or an error event; this only guards a writer
    // that was handed neither, with the same failure the attempt loop would have reported.
    if (!writer.done && !controller.signal.aborted) writer.write({ type: 'error', error: streamEndedEarly() });
  } catch (error) {
    if (!writer.done) writer.fail(context.shutdown?.aborted ? shuttingDown() : toGatewayError(error));
  } finally {
    untrack();
    stopKeepAlive();
    if (!raw.writableEnded) raw.end();
  }
  return usage ? { finished, usage } : { finished };
}
