// One undici pool per upstream origin, kept alive across requests. Created lazily, closed on shutdown.
//
// Long streams hold their connection for minutes, so the pools put no cap of their own on connections
// by default (a cap queues streams behind each other, and their wait looked like a slow upstream).
// Upstreams that offer HTTP/2 over TLS (ALPN) get it: once a connection turns out to be h2, it carries
// many streams at once. Until an origin's first TLS handshake has said which protocol it speaks, the
// requests after the first wait for it: otherwise a cold burst (a replica's first second of traffic)
// would open one connection per request to an upstream that could have carried them all on one.
// Each request can say when it actually left on a connection (`onDispatched`), so that the time it
// waited for one (or for the handshake) is the gateway's, not the upstream's.
import type { ConnectionOptions } from 'node:tls';
import { Client, type Dispatcher, Pool } from 'undici';

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Connections per origin; unset: no cap. */
  connectionsPerOrigin?: number;
  /** Offer HTTP/2 to TLS upstreams (default true). */
  http2?: boolean;
  /** Streams one HTTP/2 connection carries at once, unless the server's SETTINGS say fewer (default 100). */
  streamsPerConnection?: number;
  /** Extra TLS settings for the connections, e.g. `ca` for upstreams behind a private certificate authority. */
  tls?: Pick<ConnectionOptions, 'ca'>;
}

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Called once, when the request is written to a connection (after any wait for one). */
  onDispatched?: () => void;
}

/** The legacy handler undici's `request` builds; only its onConnect matters here. */
interface ConnectingHandler {
  onConnect?(abort: (reason?: Error) => void, context?: object): void;
}

/**
 * The pool as `request` sees it: every request's handler says, when undici starts it on a connection,
 * that it was dispatched. Not undici's `compose`: an interceptor there turns each answer's headers from
 * raw to an object and back again (twice per answer, and a copied argument list per body chunk).
 */
function notifyingDispatcher(pool: Dispatcher, onDispatched: () => void): Pick<Dispatcher, 'dispatch'> {
  return {
    dispatch(options, handler) {
      const connecting = handler as ConnectingHandler;
      const onConnect = connecting.onConnect;
      connecting.onConnect = function (this: ConnectingHandler, abort, context) {
        try {
          onDispatched();
        } finally {
          onConnect?.call(this, abort, context);
        }
      };
      return pool.dispatch(options, handler);
    },
  };
}

/** undici's error for a stream it ended because its connection received an HTTP/2 GOAWAY. */
function isGoAway(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'UND_ERR_SOCKET' && typeof message === 'string' && message.includes('"GOAWAY" frame received');
}

type ConnectOption = Extract<Client.Options['connect'], (...args: never[]) => unknown>;

/** The pool settings of a configuration (its timeouts and `upstreamConnections`). */
export function poolOptionsOf(config: {
  timeouts: { connectMs: number };
  upstreamConnections: { perOrigin?: number | undefined; http2: boolean; streamsPerConnection: number };
}): PoolOptions {
  const { perOrigin, http2, streamsPerConnection } = config.upstreamConnections;
  return {
    connectTimeoutMs: config.timeouts.connectMs,
    http2,
    streamsPerConnection,
    ...(perOrigin === undefined ? {} : { connectionsPerOrigin: perOrigin }),
  };
}

/** An origin whose first connection is still negotiating: the requests behind it wait for `settled`. */
interface Negotiation {
  settled: Promise<void>;
  settle: () => void;
}

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  /** TLS origins whose protocol is known (an entry holding `true`) or being negotiated. */
  private readonly negotiations = new Map<string, Negotiation | true>();

  constructor(private readonly options: PoolOptions) {}

  /** The origin's pool (created on first use). */
  get(origin: string): Dispatcher {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        // undici reads null as "no limit".
        connections: this.options.connectionsPerOrigin ?? null,
        connect: { ...this.options.tls, timeout: this.options.connectTimeoutMs },
        allowH2: this.options.http2 ?? true,
        factory: (clientOrigin, clientOptions) => this.client(clientOrigin, clientOptions as Client.Options),
        keepAliveTimeout: 30_000,
        // One request at a time on an HTTP/1.1 connection: a pipelined request would wait behind a stream.
        pipelining: 1,
        // Timeouts are enforced per attempt by the caller (deadline, first-token); disable undici's defaults.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Sends a request on the origin's pool. A request that had no answer yet when its HTTP/2 connection
   * received a GOAWAY is sent once more, on a new connection: undici ends every stream still open on
   * such a connection (even the ones a gracefully draining server would have finished), so the loss is
   * the client library's, and neither the attempt nor the deployment's health should pay for it.
   */
  async request(origin: string, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    // Plain HTTP and known origins (every request but a cold burst's) go on without an extra await.
    const negotiating = this.negotiating(origin, request.signal);
    if (negotiating !== undefined) await negotiating;
    try {
      return await this.send(origin, request);
    } catch (error) {
      if (!isGoAway(error) || request.signal?.aborted) throw error;
      return this.send(origin, request);
    }
  }

  /**
   * Undefined for a plain-HTTP origin, one whose protocol is known, and the first request to a new TLS
   * origin (which opens its first connection); for the others, a wait that ends when that connection's
   * handshake is over (or failed, or took longer than the connect timeout), or their signal aborts.
   */
  private negotiating(origin: string, signal: AbortSignal | undefined): Promise<void> | undefined {
    if (this.options.http2 === false || !origin.startsWith('https:')) return undefined;
    const state = this.negotiations.get(origin);
    if (state === true) return undefined;
    if (state === undefined) {
      let settle = () => {};
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.negotiations.set(origin, { settled, settle });
      // A first connection that never reports (its request aborted before a connection was made) holds
      // no one for longer than a connection may take.
      const giveUp = setTimeout(() => this.settle(origin, false), this.options.connectTimeoutMs);
      giveUp.unref();
      void settled.then(() => clearTimeout(giveUp));
      return undefined;
    }
    if (signal === undefined) return state.settled;
    if (signal.aborted) return undefined;
    const stop = new AbortController();
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true, signal: stop.signal }),
    );
    return Promise.race([state.settled, aborted]).finally(() => stop.abort());
  }

  /** The origin's first handshake is over: `known` when it said which protocol, else the next request tries. */
  private settle(origin: string, known: boolean): void {
    const state = this.negotiations.get(origin);
    if (state === undefined || state === true) return;
    if (known) this.negotiations.set(origin, true);
    else this.negotiations.delete(origin);
    state.settle();
  }

  private send(origin: string, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const { onDispatched, ...options } = request;
    const pool = this.get(origin);
    const requestOptions = {
      ...options,
      // A POST is not idempotent to undici, which then never shares an h2 connection with it; these
      // requests are never retried by undici (pipelining 1 on HTTP/1.1), so saying so only allows that.
      idempotent: true,
    } as Dispatcher.RequestOptions;
    if (!onDispatched) return pool.request(requestOptions);
    // undici's `request` only calls `this.dispatch`: run it against the notifying one.
    return (
      pool.request as (this: unknown, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
    ).call(notifyingDispatcher(pool, onDispatched), requestOptions);
  }

  /**
   * One connection of a pool: HTTP/1.1 until the TLS handshake picks h2, then as many streams at once
   * as `streamsPerConnection` (the server's SETTINGS may lower it).
   */
  private client(origin: URL, options: Client.Options): Client {
    const connect = options.connect as ConnectOption;
    const streams = this.options.streamsPerConnection ?? 100;
    const client: Client = new Client(origin, {
      ...options,
      maxConcurrentStreams: streams,
      connect: (connectOptions, callback) =>
        connect(connectOptions, (error, socket) => {
          if (socket && (socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2')
            client.pipelining = streams;
          this.settle(origin.origin, socket !== null && socket !== undefined && !error);
          callback(error, socket as never);
        }),
    });
    return client;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})));
  }
}
