// Who may call what, decided before a body is read: client endpoints need a gateway key (x-api-key, as
// the Anthropic SDK and Claude Code's ANTHROPIC_API_KEY send it, or Authorization: Bearer, as the OpenAI
// SDK and ANTHROPIC_AUTH_TOKEN do); the admin surface needs the admin token (or a dashboard session);
// /livez, /readyz and /healthz stay open. Refusals are answered in the client's own format and never
// reach the router, so they count against no deployment's health.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../canonical/gateway-error.js';
import type { GatewayKeyRecord } from '../keys/gateway-key.js';
import type { KeyLimiter } from '../keys/key-limiter.js';
import type { KeyRegistry } from '../keys/key-registry.js';
import type { AdminCredential } from '../control/admin-credential.js';
import { dialectForUrl } from './dialects.js';
import { newRequestId, sendError } from './serve-request.js';

export interface AuthenticateOptions {
  /** Undefined: clients are not checked (open on loopback, or `auth.clients: none`). */
  clients?: { registry: KeyRegistry; limiter: KeyLimiter };
  admin: AdminCredential;
  /** Requests in flight across every key; beyond it the gateway answers 503 overloaded. */
  maxConcurrentRequests: number;
  /** Client requests in flight now (read by the drain). */
  inFlight: { count: number };
  /** The admin surface listens on its own port (server.adminPort): here it is not an endpoint (404). */
  adminElsewhere?: boolean;
}

export interface RequestKey {
  key: GatewayKeyRecord;
  limiter: KeyLimiter;
}

const requestKeys = new WeakMap<FastifyRequest, RequestKey>();

/** The gateway key a request was authenticated with, if keys are on. */
export function keyOfRequest(request: FastifyRequest): RequestKey | undefined {
  return requestKeys.get(request);
}

export type Surface = 'open' | 'admin' | 'client';

/** The dashboard's sign-in form and what it loads: reachable without a session, so a browser can get one. */
const dashboardSignIn = new Set(['/dashboard/sign-in', '/dashboard/sign-in.js', '/dashboard/style.css']);

export function surfaceOf(method: string, url: string): Surface {
  const path = url.split('?', 1)[0] ?? '';
  if (path === '/livez' || path === '/readyz' || path === '/healthz') return 'open';
  if ((method === 'GET' || method === 'HEAD') && dashboardSignIn.has(path)) return 'open';
  if ((method === 'GET' || method === 'HEAD') && path === '/') return 'open';
  if (path === '/metrics' || path.startsWith('/admin') || path.startsWith('/dashboard')) return 'admin';
  return 'client';
}

/** The credential a client SDK sends: x-api-key first (Anthropic), then a Bearer token (OpenAI, auth token). */
export function presentedKey(headers: FastifyRequest['headers']): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

const refusalMessages = {
  missing: 'a gateway key is required: send it as x-api-key or Authorization: Bearer',
  unknown: 'the gateway key is not valid',
  revoked: 'the gateway key has been revoked',
  expired: 'the gateway key has expired',
} as const;

function refuse(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  sendError(reply, dialectForUrl(request.url), error, newRequestId());
  return reply;
}

export function registerAuthentication(app: FastifyInstance, options: AuthenticateOptions): void {
  const inFlight = options.inFlight;
  app.addHook('onRequest', async (request, reply) => {
    const surface = surfaceOf(request.method, request.url);
    if (surface === 'open') return;
    if (surface === 'admin') {
      // Not checked here: no admin route is registered on this port, so the not-found answer follows.
      if (options.adminElsewhere) return;
      const refusal = options.admin.check(request);
      if (!refusal) return;
      // A browser opening the dashboard without a session is sent to sign in rather than shown JSON.
      const path = request.url.split('?', 1)[0];
      const browser = request.headers.accept?.includes('text/html') === true;
      if (
        refusal.status === 401 &&
        browser &&
        request.method === 'GET' &&
        (path === '/dashboard' || path === '/dashboard/')
      )
        return reply.redirect('/dashboard/sign-in', 303);
      return reply.code(refusal.status).send({ error: { type: refusal.type, message: refusal.message } });
    }
    let release: (() => void) | undefined;
    if (options.clients) {
      const checked = options.clients.registry.check(presentedKey(request.headers));
      if (!checked.ok) {
        return refuse(
          request,
          reply,
          new GatewayError({
            status: 401,
            code: 'SWITCHYARD_UNAUTHENTICATED',
            message: refusalMessages[checked.reason],
            shouldRetry: false,
          }),
        );
      }
      const decision = await options.clients.limiter.acquire(checked.key);
      if (!decision.ok) {
        return refuse(
          request,
          reply,
          new GatewayError({
            status: 429,
            code: 'SWITCHYARD_KEY_RATE_LIMITED',
            message: `gateway key "${checked.key.name}" is over its ${decision.limit} limit`,
            retryAfterMs: decision.retryAfterMs,
            shouldRetry: true,
          }),
        );
      }
      release = decision.release;
      requestKeys.set(request, { key: checked.key, limiter: options.clients.limiter });
    }
    if (inFlight.count >= options.maxConcurrentRequests) {
      release?.();
      return refuse(
        request,
        reply,
        new GatewayError({
          status: 503,
          code: 'SWITCHYARD_GATEWAY_OVERLOADED',
          message: 'the gateway is at its limit of requests in flight; retry shortly',
          upstreamType: 'overloaded_error',
          retryAfterMs: 1_000,
          shouldRetry: true,
        }),
      );
    }
    inFlight.count += 1;
    let ended = false;
    reply.raw.once('close', () => {
      if (ended) return;
      ended = true;
      inFlight.count -= 1;
      release?.();
    });
  });
}

/** A route the key may not use: 403 before anything is sent upstream. */
export function checkRouteAllowed(requestKey: RequestKey | undefined, asked: string, routeName: string): void {
  const allowed = requestKey?.key.routes;
  if (!allowed || allowed.includes(asked) || allowed.includes(routeName)) return;
  throw new GatewayError({
    status: 403,
    code: 'SWITCHYARD_FORBIDDEN',
    message: `gateway key "${requestKey.key.name}" may not use the route "${routeName}"`,
    shouldRetry: false,
  });
}
