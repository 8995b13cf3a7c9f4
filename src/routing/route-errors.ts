// The errors a client sees when the attempt loop cannot serve it: an upstream client error passed
// through with its status, or one 503 that summarises every attempt (no secrets, with retry-after).
import type { Attempt, AttemptSummary } from '../canonical/attempt.js';
import { attemptMessageLength } from '../canonical/attempt.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { UpstreamError } from '../canonical/errors.js';
import type { ResolvedRoute } from './resolve-route.js';

/** An upstream answer that no other deployment would change (400 invalid request, content filter). */
export function clientFacingError(error: UpstreamError, attempts: Attempt[]): GatewayError {
  const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400;
  return new GatewayError({
    status,
    code: 'SWITCHYARD_UPSTREAM_ERROR',
    message: error.message,
    shouldRetry: false,
    upstreamType: status === 413 ? 'request_too_large' : 'invalid_request_error',
    attempts: summarise(attempts),
    ...(error.relayed !== undefined ? { relayed: error.relayed } : {}),
  });
}

function summarise(attempts: Attempt[]): AttemptSummary[] {
  return attempts.map((attempt) => ({
    deployment: attempt.deployment,
    kind: attempt.kind,
    ...(attempt.status !== undefined ? { status: attempt.status } : {}),
    ...(attempt.message !== undefined ? { message: attempt.message.slice(0, attemptMessageLength) } : {}),
  }));
}

export function allFailedError(route: ResolvedRoute, attempts: Attempt[], why: 'deadline' | 'exhausted'): GatewayError {
  const summary = attempts
    .map((attempt) => `${attempt.deployment}: ${attempt.kind}${attempt.status ? ` (${attempt.status})` : ''}`)
    .join('; ');
  const reason =
    attempts.length === 0
      ? `no deployment of route "${route.name}" is available`
      : why === 'deadline'
        ? `the request deadline ran out after ${attempts.length} attempt(s) on route "${route.name}"`
        : `all deployments of route "${route.name}" failed`;
  return new GatewayError({
    status: 503,
    code: why === 'deadline' ? 'SWITCHYARD_DEADLINE_EXCEEDED' : 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
    message: summary ? `${reason}: ${summary}` : reason,
    retryAfterMs: 1_000,
    shouldRetry: true,
    upstreamType: 'overloaded_error',
    attempts: summarise(attempts),
  });
}
