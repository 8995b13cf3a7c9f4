// A cap on the request-body bytes the gateway holds at once, across every request. A body stays in
// memory for its whole request (parsed, kept as the client's `original` for the relay lane and
// failover, re-serialised per attempt), so many large bodies at once can take a process from a few
// hundred megabytes to gigabytes. A request whose body would take the total past the cap is refused
// before its body is read: 503 `overloaded_error` with `retry-after` in the client's format, the same
// answer as the gateway's other overload, decided before routing so no upstream's health hears of it.
// Bodies without a content-length (chunked) are counted as they arrive and refused the same way.
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { GatewayError } from '../canonical/gateway-error.js';
import { dialectForUrl } from './dialects.js';
import { newRequestId, sendError } from './serve-request.js';

export class BodyMemory {
  #heldBytes = 0;
  #refused = 0;

  constructor(readonly limitBytes: number) {}

  /** Takes `bytes` from the budget; false (and nothing taken) when that would pass the cap. */
  tryHold(bytes: number): boolean {
    if (this.#heldBytes + bytes > this.limitBytes) {
      this.#refused += 1;
      return false;
    }
    this.#heldBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#heldBytes = Math.max(0, this.#heldBytes - bytes);
  }

  /** Body bytes held now, the cap, and how many requests it refused since the start. */
  snapshot(): { heldBytes: number; limitBytes: number; refused: number } {
    return { heldBytes: this.#heldBytes, limitBytes: this.limitBytes, refused: this.#refused };
  }
}

export const bodyMemoryFull = (): GatewayError =>
  new GatewayError({
    status: 503,
    code: 'SWITCHYARD_GATEWAY_OVERLOADED',
    message: 'the gateway holds as many request bodies as its memory cap allows; retry shortly',
    upstreamType: 'overloaded_error',
    retryAfterMs: 1_000,
    shouldRetry: true,
  });

/** Counts a chunked body into the budget as it arrives; fails the body once the cap is reached. */
class CountedBody extends Transform {
  held = 0;
  constructor(private readonly memory: BodyMemory) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.memory.tryHold(chunk.length)) {
      callback(bodyMemoryFull());
      return;
    }
    this.held += chunk.length;
    callback(null, chunk);
  }
}

const heldByRequest = new WeakMap<FastifyRequest, number>();

/** Holds each request's body in `memory` from before it is read until its answer is finished or cut. */
export function registerBodyMemory(app: FastifyInstance, memory: BodyMemory, bodyLimitBytes: number): void {
  // Callback hooks, not async ones: these run on every request, and have nothing to wait for.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const declared = Number(request.headers['content-length']);
    // No body, or one the body limit refuses anyway (413 without reading it).
    if (!(declared > 0) || declared > bodyLimitBytes) return done();
    if (!memory.tryHold(declared)) {
      // The answer is sent; fastify stops the request there (done is not called).
      sendError(reply, dialectForUrl(request.url), bodyMemoryFull(), newRequestId());
      return;
    }
    heldByRequest.set(request, declared);
    reply.raw.once('close', () => memory.release(declared));
    done();
  });
  app.addHook('preParsing', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    if (heldByRequest.has(request) || request.headers['transfer-encoding'] === undefined) return done(null, payload);
    const counted = new CountedBody(memory);
    reply.raw.once('close', () => memory.release(counted.held));
    payload.on('error', (error) => counted.destroy(error));
    done(null, payload.pipe(counted));
  });
}
