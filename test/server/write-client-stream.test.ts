// Backpressure on the client side of a stream, deterministically: a client socket that takes no more
// bytes (a Writable that never completes a write) stops the gateway pulling events from the upstream
// once its buffer is full; each drain lets it go on; a client that leaves ends the loop. Without
// backpressure every upstream event would be pulled and buffered at once.
import { Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../src/canonical/stream-event.js';
import type { RoutedStream } from '../../src/routing/routed.js';
import { clientBuffers } from '../../src/server/client-buffers.js';
import { anthropicDialect } from '../../src/server/dialects.js';
import { createLogger } from '../../src/server/logger.js';
import type { PipelineContext } from '../../src/server/serve-request.js';
import { writeClientStream } from '../../src/server/write-client-stream.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { ManualClock } from '../support/manual-clock.js';

/** A client socket that accepts bytes into its buffer but never sends them anywhere until released. */
class StalledClient extends Writable {
  private readonly held: Array<() => void> = [];
  constructor() {
    super({ highWaterMark: 4_096 });
  }
  override _write(_chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    this.held.push(done);
  }
  /** The client reads what was sent so far. */
  release(): void {
    for (const done of this.held.splice(0)) done();
  }
  writeHead(): this {
    return this;
  }
  /** A response writes through its socket: here they are the same stream. */
  get socket(): this {
    return this;
  }
}

const turns = () => new Promise((resolve) => setImmediate(resolve));

describe('writeClientStream backpressure', () => {
  it('pulls no more upstream events while the client buffer is full, and goes on after each drain', async () => {
    const total = 5_000;
    let pulled = 0;
    async function* upstream(): AsyncGenerator<CanonicalStreamEvent> {
      yield { type: 'message-start' };
      yield { type: 'block-start', index: 0, block: { type: 'text' } };
      for (let index = 0; index < total; index += 1) {
        pulled += 1;
        yield { type: 'text-delta', index: 0, text: `word${index} ` };
      }
      yield { type: 'block-end', index: 0 };
      yield {
        type: 'finish',
        reason: 'end-turn',
        usage: { inputTokens: 1, outputTokens: total, cacheReadTokens: 0, cacheWriteTokens: 0 },
      };
    }
    const client = new StalledClient();
    const reply = { raw: client, hijack: () => {} } as unknown as FastifyReply;
    const routed = { type: 'stream', events: upstream(), attempts: [] } as unknown as RoutedStream;
    const context = {
      clock: new ManualClock(),
      pingIntervalMs: 60_000,
      logger: createLogger('silent'),
    } as unknown as PipelineContext;
    const controller = new AbortController();
    const writing = writeClientStream(anthropicDialect, routed, simpleTextRequest(), {}, reply, controller, context);

    for (let turn = 0; turn < 20; turn += 1) await turns();
    const whileStalled = pulled;
    // One buffer's worth of events (each is well over 100 bytes of SSE), not the whole answer.
    expect(whileStalled).toBeLessThan(60);
    expect(client.writableLength).toBeLessThan(4_096 + 1_024);
    expect(clientBuffers()).toEqual({ bytes: client.writableLength, streams: 1 });
    for (let turn = 0; turn < 20; turn += 1) await turns();
    expect(pulled).toBe(whileStalled);

    // The client reads what it was sent (the buffer empties write by write), then stalls again.
    for (let turn = 0; turn < 200 && client.writableLength > 0; turn += 1) {
      client.release();
      await turns();
    }
    for (let turn = 0; turn < 20; turn += 1) await turns();
    expect(pulled).toBeGreaterThan(whileStalled);
    const afterDrains = pulled;
    expect(afterDrains).toBeLessThan(total);
    for (let turn = 0; turn < 20; turn += 1) await turns();
    expect(pulled).toBe(afterDrains);

    // The client reads everything from here on: the stream completes.
    const reading = setInterval(() => client.release(), 0);
    const ending = await writing;
    clearInterval(reading);
    expect(ending.finished).toBe(true);
    expect(pulled).toBe(total);
    expect(clientBuffers().streams).toBe(0);
  });

  it('ends the wait when the client leaves', async () => {
    async function* endless(): AsyncGenerator<CanonicalStreamEvent> {
      yield { type: 'message-start' };
      yield { type: 'block-start', index: 0, block: { type: 'text' } };
      for (;;) yield { type: 'text-delta', index: 0, text: 'more and more words ' };
    }
    const client = new StalledClient();
    const reply = { raw: client, hijack: () => {} } as unknown as FastifyReply;
    const routed = { type: 'stream', events: endless(), attempts: [] } as unknown as RoutedStream;
    const context = { clock: new ManualClock(), pingIntervalMs: 60_000 } as unknown as PipelineContext;
    const controller = new AbortController();
    const writing = writeClientStream(anthropicDialect, routed, simpleTextRequest(), {}, reply, controller, context);
    for (let turn = 0; turn < 10; turn += 1) await turns();
    controller.abort();
    client.destroy();
    expect((await writing).finished).toBe(false);
  });

  it('sends the events of one upstream burst in one write, before the next turn of the event loop', async () => {
    const log: string[] = [];
    /** A client socket that logs how the gateway writes to it. */
    class RecordingClient extends Writable {
      override _write(_chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
        done();
      }
      override cork(): void {
        log.push('cork');
        super.cork();
      }
      override uncork(): void {
        log.push('uncork');
        super.uncork();
      }
      override write(chunk: unknown): boolean {
        log.push(`write ${String(chunk).length}`);
        return super.write(chunk as string);
      }
      writeHead(): this {
        return this;
      }
      get socket(): this {
        return this;
      }
    }
    const burst = ['event: a\ndata: {}\n\n', 'event: bb\ndata: {}\n\n', 'event: ccc\ndata: {}\n\n'];
    async function* relayed(): AsyncGenerator<CanonicalStreamEvent> {
      for (const data of burst) yield { type: 'relay', data, content: true };
      await new Promise((resolve) => setImmediate(resolve));
      yield {
        type: 'finish',
        reason: 'end-turn',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      };
    }
    const client = new RecordingClient();
    const reply = { raw: client, hijack: () => {} } as unknown as FastifyReply;
    const routed = { type: 'stream', events: relayed(), relayed: true, attempts: [] } as unknown as RoutedStream;
    const context = { clock: new ManualClock(), pingIntervalMs: 60_000 } as unknown as PipelineContext;
    // Scheduled before the burst: a flush deferred with setImmediate would come after it.
    setImmediate(() => log.push('next turn'));
    const ending = await writeClientStream(
      anthropicDialect,
      routed,
      simpleTextRequest(),
      {},
      reply,
      new AbortController(),
      context,
    );
    expect(ending.finished).toBe(true);
    expect(log.slice(0, 6)).toEqual(['cork', ...burst.map((data) => `write ${data.length}`), 'uncork', 'next turn']);
  });
});
