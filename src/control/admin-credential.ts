// The admin credential for /admin/*, /dashboard and /metrics: the admin token as `Authorization: Bearer`
// (compared in constant time), or a dashboard session cookie (HttpOnly, SameSite=Strict) obtained once
// with the token. State-changing calls made with a cookie must come from the gateway's own pages (Origin
// or Sec-Fetch-Site), so a cross-site form cannot isolate a deployment; the Host header must be one of
// the gateway's names, so a rebinding DNS name cannot reach a loopback gateway from a browser.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../util/clock.js';

export const sessionCookie = 'switchyard_session';
const sessionTtlMs = 12 * 3_600_000;

export interface AdminRefusal {
  status: 401 | 403 | 421;
  type: 'authentication_error' | 'permission_error' | 'misdirected_request';
  message: string;
}

export interface AdminCredentialOptions {
  /** Undefined: no token configured; the admin surface is open only when the gateway is on loopback. */
  adminToken?: string;
  loopbackOnly: boolean;
  /** Host names accepted in the Host header (lower case, without port). Empty: any. */
  allowedHosts: string[];
  clock: Clock;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two secrets of any length (their digests have the same length). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':', 1)[0];
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export class AdminCredential {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly options: AdminCredentialOptions) {}

  get tokenConfigured(): boolean {
    return this.options.adminToken !== undefined;
  }

  /** Undefined when the request may go on. */
  check(request: FastifyRequest): AdminRefusal | undefined {
    const host = hostName(request.headers.host);
    if (this.options.allowedHosts.length > 0 && (!host || !this.options.allowedHosts.includes(host))) {
      return {
        status: 421,
        type: 'misdirected_request',
        message: `Host "${host ?? ''}" is not a name of this gateway`,
      };
    }
    const stateChanging = request.method !== 'GET' && request.method !== 'HEAD';
    if (stateChanging && this.crossSite(request)) {
      return { status: 403, type: 'permission_error', message: 'cross-site requests may not change the gateway' };
    }
    const token = this.options.adminToken;
    if (token === undefined) {
      if (this.options.loopbackOnly) return undefined;
      return {
        status: 403,
        type: 'permission_error',
        message: 'the admin surface needs auth.adminToken when the gateway is not on loopback',
      };
    }
    const authorization = request.headers.authorization;
    const bearer = typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1] : undefined;
    if (bearer !== undefined) {
      if (secretsEqual(bearer.trim(), token)) return undefined;
      return { status: 401, type: 'authentication_error', message: 'the admin token is not valid' };
    }
    const session = cookieValue(request.headers.cookie, sessionCookie);
    if (session !== undefined && this.sessionValid(session)) return undefined;
    return {
      status: 401,
      type: 'authentication_error',
      message: 'the admin token is required: send Authorization: Bearer <token>',
    };
  }

  /** A new dashboard session for a request that presented the token; the Set-Cookie value. */
  openSession(secure: boolean): string {
    const id = randomBytes(32).toString('base64url');
    const now = this.options.clock.now();
    for (const [existing, expires] of this.sessions) if (expires <= now) this.sessions.delete(existing);
    this.sessions.set(digest(id).toString('hex'), now + sessionTtlMs);
    return `${sessionCookie}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${sessionTtlMs / 1000}${secure ? '; Secure' : ''}`;
  }

  closeSession(request: FastifyRequest): string {
    const session = cookieValue(request.headers.cookie, sessionCookie);
    if (session) this.sessions.delete(digest(session).toString('hex'));
    return `${sessionCookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  private sessionValid(id: string): boolean {
    const expires = this.sessions.get(digest(id).toString('hex'));
    return expires !== undefined && expires > this.options.clock.now();
  }

  private crossSite(request: FastifyRequest): boolean {
    const fetchSite = request.headers['sec-fetch-site'];
    if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === '') return false;
    try {
      return new URL(origin).host.toLowerCase() !== (request.headers.host ?? '').toLowerCase();
    } catch {
      return true;
    }
  }
}
