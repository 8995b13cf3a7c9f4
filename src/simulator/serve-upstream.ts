// Serves one request to a simulated upstream (`/u/<name>/...`): finds the dialect operation,
// lets the dialect accept or refuse it, applies the matching faults, then writes the answer
// paced by time to first token and tokens per second. With no delays configured the whole answer
// goes out in one write, which keeps the benchmark path short.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../util/clock.js';
import type { FaultRegistry } from './fault-registry.js';
import type { Fault } from './fault-spec.js';
import { defaultCutAfterEvents, defaultGarbledAfterEvents } from './fault-spec.js';
import type { UpstreamRegistry, SimulatedUpstream } from './upstream-registry.js';
import {
  type Acceptance,
  type Dialect,
  type ExchangeContext,
  garbledSseFrame,
  type JsonAnswer,
  type StreamFrame,
  type WireAnswer,
} from './dialects/dialect.js';
import { findDialectOperation } from './dialects/dialect-registry.js';
import { Exchange } from './exchange.js';
import { type BodyResult, parseJson, readBody, sendJson } from './http-io.js';
import { probeHeader } from '../providers/probe-header.js';

const emptyBody = new Uint8Array(0);

export interface UpstreamService {
  upstreams: UpstreamRegistry;
  faults: FaultRegistry;
  clock: Clock;
  /** Simulator-wide timing; each upstream may override it. */
  timing: { timeToFirstTokenMs: number; tokensPerSecond: number };
  nextSequence(): number;
}

interface Pacing {
  timeToFirstTokenMs: number;
  /** Milliseconds per output token; 0 means instant. */
  tokenIntervalMs: number;
}

function pacingFor(service: UpstreamService, upstream: SimulatedUpstream): Pacing {
  const tokensPerSecond = upstream.tokensPerSecond ?? service.timing.tokensPerSecond;
  return {
    timeToFirstTokenMs: upstream.timeToFirstTokenMs ?? service.timing.timeToFirstTokenMs,
    tokenIntervalMs: tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0,
  };
}

function writeJson(response: ServerResponse, answer: JsonAnswer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
  response.end(answer.body);
}

/** Ends the connection once what was written has gone out, without finishing the HTTP message. */
function cutConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket) return;
  socket.once('finish', () => socket.destroy());
  socket.end();
}

/** Writes frames [0, limit) with pacing; false when the client left on the way. */
async function writeFrames(
  exchange: Exchange,
  response: ServerResponse,
  frames: StreamFrame[],
  limit: number,
  pacing: Pacing,
): Promise<boolean> {
  let tokensSent = 0;
  for (let index = 0; index < limit; index += 1) {
    const frame = frames[index]!;
    if (frame.tokens > 0) {
      // The first token lands at time-to-first-token; each later one a token interval after the previous.
      const delay =
        tokensSent === 0
          ? pacing.timeToFirstTokenMs + (frame.tokens - 1) * pacing.tokenIntervalMs
          : frame.tokens * pacing.tokenIntervalMs;
      tokensSent += frame.tokens;
      if (delay > 0 && !(await exchange.sleep(delay))) return false;
    }
    response.write(frame.data);
  }
  return true;
}

/** A pause between the halves of a split frame, long enough for the reader to take the first half alone. */
const splitPauseMs = 20;

/** Ends the answer with `data` in two writes, cut right after `splitAfter` (whole, when it does not occur). */
async function endSplit(
  exchange: Exchange,
  response: ServerResponse,
  data: string | Uint8Array,
  splitAfter: string,
): Promise<void> {
  const bytes =
    typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = bytes.indexOf(splitAfter);
  if (at === -1) {
    response.end(bytes);
    return;
  }
  const cut = at + Buffer.byteLength(splitAfter);
  response.write(bytes.subarray(0, cut));
  if (!(await exchange.sleep(splitPauseMs))) return;
  response.end(bytes.subarray(cut));
}

/** All frames as one write: text when every frame is SSE text, bytes otherwise (binary event streams). */
function joinFrames(frames: StreamFrame[]): string | Buffer {
  if (frames.every((frame) => typeof frame.data === 'string')) return frames.map((frame) => frame.data).join('');
  return Buffer.concat(frames.map((frame) => (typeof frame.data === 'string' ? Buffer.from(frame.data) : frame.data)));
}

function isPaced(pacing: Pacing): boolean {
  return pacing.timeToFirstTokenMs > 0 || pacing.tokenIntervalMs > 0;
}

async function writeAnswer(
  exchange: Exchange,
  response: ServerResponse,
  answer: WireAnswer,
  pacing: Pacing,
): Promise<void> {
  if (answer.type === 'json') {
    if (answer.outputTokens !== undefined) {
      const delay = pacing.timeToFirstTokenMs + Math.max(0, answer.outputTokens - 1) * pacing.tokenIntervalMs;
      if (!(await exchange.sleep(delay))) return;
    }
    exchange.settle('succeeded');
    writeJson(response, answer);
    return;
  }
  response.writeHead(200, answer.headers);
  if (!isPaced(pacing)) {
    exchange.settle('succeeded');
    response.end(joinFrames(answer.frames));
    return;
  }
  response.flushHeaders();
  if (!(await writeFrames(exchange, response, answer.frames, answer.frames.length, pacing))) return;
  exchange.settle('succeeded');
  response.end();
}

async function applyFault(
  fault: Fault,
  exchange: Exchange,
  request: IncomingMessage,
  response: ServerResponse,
  dialect: Dialect,
  acceptance: Extract<Acceptance, { accepted: true }>,
  context: ExchangeContext,
  pacing: Pacing,
): Promise<void> {
  switch (fault.kind) {
    case 'hang':
      // Never answered: the exchange ends when the client gives up (counted as aborted) or the simulator closes.
      return;
    case 'reset':
      exchange.settle('failed');
      if (!request.socket.destroyed) request.socket.resetAndDestroy();
      return;
    case 'error': {
      const options = {
        status: fault.status ?? 500,
        retryAfterSeconds: fault.retryAfterSeconds,
        message: fault.message,
      };
      const answer = fault.afterEvents !== undefined && acceptance.stream ? acceptance.answer() : undefined;
      if (answer?.type !== 'stream') {
        exchange.settle('failed');
        writeJson(response, dialect.errorAnswer(options, context));
        return;
      }
      // A stream that fails after it started: 200, some events, then the provider's in-band error.
      const limit = Math.min(fault.afterEvents ?? 0, answer.frames.length - 1);
      response.writeHead(200, answer.headers);
      response.flushHeaders();
      if (!(await writeFrames(exchange, response, answer.frames, limit, pacing))) return;
      exchange.settle('failed');
      const errorFrame = acceptance.streamErrorFrame?.(options, limit) ?? dialect.streamErrorFrame(options, context);
      if (fault.splitAfter === undefined) response.end(errorFrame.data);
      else await endSplit(exchange, response, errorFrame.data, fault.splitAfter);
      return;
    }
    case 'malformed': {
      exchange.settle('failed');
      const answer =
        acceptance.malformedAnswer?.() ?? dialect.malformedAnswer(acceptance.stream, acceptance.model, context);
      if (answer.type === 'json') writeJson(response, answer);
      else {
        response.writeHead(200, answer.headers);
        response.end(joinFrames(answer.frames));
      }
      return;
    }
    case 'malformed-event': {
      const answer = acceptance.answer();
      if (answer.type === 'json') {
        await writeAnswer(exchange, response, answer, pacing);
        return;
      }
      const at = Math.min(fault.afterEvents ?? defaultGarbledAfterEvents, answer.frames.length - 1);
      const garbled = dialect.garbledEventFrame?.() ?? garbledSseFrame;
      const frames = [...answer.frames.slice(0, at), garbled, ...answer.frames.slice(at)];
      await writeAnswer(exchange, response, { ...answer, frames }, pacing);
      return;
    }
    case 'cut': {
      const answer = acceptance.answer();
      if (answer.type === 'json') {
        exchange.settle('failed');
        response.writeHead(answer.status, {
          ...answer.headers,
          'content-length': String(Buffer.byteLength(answer.body)),
        });
        response.write(answer.body.slice(0, Math.floor(answer.body.length / 2)));
        cutConnection(response);
        return;
      }
      // Always cut before the last event, so a cut stream can never pass for a complete one.
      const limit = Math.min(fault.afterEvents ?? defaultCutAfterEvents, answer.frames.length - 1);
      response.writeHead(200, answer.headers);
      response.flushHeaders();
      if (!(await writeFrames(exchange, response, answer.frames, limit, pacing))) return;
      exchange.settle('failed');
      cutConnection(response);
      return;
    }
    case 'stall': {
      const answer = acceptance.answer();
      // A JSON answer has nothing to stall in the middle of: it never comes, like a hang.
      if (answer.type === 'json') return;
      const limit = Math.min(fault.afterEvents ?? defaultCutAfterEvents, answer.frames.length - 1);
      response.writeHead(200, answer.headers);
      response.flushHeaders();
      // Silent from here with the connection open: the exchange ends when the client gives up.
      await writeFrames(exchange, response, answer.frames, limit, pacing);
      return;
    }
    case 'latency':
      // Latency is summed by the plan and never chosen as the answering fault.
      return;
  }
}

/** Handles `/u/<name><path>`; `path` has no query string (the raw one is read from the request). */
export async function serveUpstream(
  service: UpstreamService,
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  path: string,
): Promise<void> {
  const method = request.method ?? 'GET';
  let bodyText = '';
  let bodyBytes: Uint8Array = emptyBody;
  let tooLarge = false;
  if (method !== 'GET' && method !== 'HEAD') {
    let body: BodyResult | undefined;
    try {
      body = await readBody(request);
    } catch {
      return; // The client left before sending its request: there is nothing to count.
    }
    if ('tooLarge' in body) tooLarge = true;
    else {
      bodyText = body.text;
      bodyBytes = body.bytes;
    }
  }

  const upstream = service.upstreams.get(name);
  const exchange = new Exchange(upstream, response, service.clock, request.headers[probeHeader] !== undefined);
  const nowMs = service.clock.now();
  const context: ExchangeContext = {
    sequence: service.nextSequence(),
    nowMs,
    window: upstream.countIntoWindow(nowMs),
    ...(upstream.replyTokens !== undefined ? { replyTokens: upstream.replyTokens } : {}),
  };
  const parsed = parseJson(bodyText);
  upstream.record({
    method,
    url: request.url ?? path,
    headers: request.headers,
    body: parsed.invalid ? bodyText : (parsed.value ?? null),
    text: bodyText,
    receivedAt: context.nowMs,
  });

  const found = findDialectOperation(method, path, request.headers);
  if (!found) {
    exchange.settle('rejected');
    sendJson(response, 404, {
      type: 'error',
      error: { type: 'not_found_error', message: `Not found: ${method} ${path}` },
    });
    return;
  }
  if (tooLarge) {
    exchange.settle('rejected');
    writeJson(response, found.dialect.errorAnswer({ status: 413 }, context));
    return;
  }
  const url = request.url ?? path;
  const queryStart = url.indexOf('?');
  const pending = found.operation.accept({
    headers: request.headers,
    raw: {
      method,
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      body: bodyBytes,
    },
    body: parsed.value,
    bodyInvalid: parsed.invalid,
    pathRest: found.pathRest,
    context,
  });
  // Only SigV4 verification is asynchronous; the other dialects keep the hot path free of an await.
  const acceptance = pending instanceof Promise ? await pending : pending;
  if (!acceptance.accepted) {
    exchange.settle('rejected');
    writeJson(response, acceptance.answer);
    return;
  }

  const plan = service.faults.plan(name, upstream.labels);
  if (plan.latencyMs > 0 && !(await exchange.sleep(plan.latencyMs))) return;
  const pacing = pacingFor(service, upstream);
  if (plan.fault) {
    await applyFault(plan.fault, exchange, request, response, found.dialect, acceptance, context, pacing);
    return;
  }
  const quota = upstream.quota?.take(found.dialect.name);
  if (quota && !quota.allowed) {
    exchange.settle('failed');
    const answer = found.dialect.errorAnswer({ status: 429, retryAfterSeconds: quota.retryAfterSeconds }, context);
    writeJson(response, { ...answer, headers: { ...answer.headers, ...quota.headers } });
    return;
  }
  const answer = acceptance.answer();
  if (quota) answer.headers = { ...answer.headers, ...quota.headers };
  await writeAnswer(exchange, response, answer, pacing);
}
