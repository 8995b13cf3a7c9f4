// The errors a client sees when the attempt loop cannot serve it: an upstream client error passed
// through with its status, or one answer that names the real cause of every attempt's failure (the
// table below; no secrets, retry-after when a retry can help).
import type { Attempt, AttemptSummary } from '../canonical/attempt.js';
import { attemptMessageLength } from '../canonical/attempt.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { SwitchyardErrorCode, UpstreamError } from '../canonical/errors.js';
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

/**
 * THE error table: what a client hears when no deployment of its route could serve it. It names the
 * real cause in the client's own format; the README's "Errors that tell the truth" repeats it.
 *
 * | when every failed attempt was …                  | Anthropic client        | OpenAI client | retry-after  |
 * |--------------------------------------------------|-------------------------|---------------|--------------|
 * | rate-limited (429)                               | 429 rate_limit_error    | 429           | the soonest  |
 * | refused the gateway's own provider credentials   | 502 api_error, naming the deployments | 502 | none (x-should-retry: false) |
 * | a timeout, or the request deadline ran out       | 504 timeout_error       | 504           | none         |
 * | anything else: overloaded, 5xx, unreachable, ejected | 529 overloaded_error | 503          | 1 s          |
 *
 * Before the table (router.ts): when every attempt was refused because the platform lacks a beta, field
 * or feature the request uses (`unsupported-feature`), the client gets the last platform's 400 as a
 * client error, as it came when the formats match; likewise a prompt too long for every deployment.
 */
export type AllFailedCause = 'rate-limited' | 'credentials-refused' | 'timeout' | 'overloaded';

interface AllFailedRow {
  /** The Anthropic-format status; OpenAI-format writers answer 529 as 503 (their clients know no 529). */
  status: number;
  type: string;
  shouldRetry: boolean;
  code: SwitchyardErrorCode;
}

export const allFailedTable: Record<AllFailedCause, AllFailedRow> = {
  'rate-limited': {
    status: 429,
    type: 'rate_limit_error',
    shouldRetry: true,
    code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
  },
  'credentials-refused': {
    status: 502,
    type: 'api_error',
    shouldRetry: false,
    code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
  },
  timeout: { status: 504, type: 'timeout_error', shouldRetry: true, code: 'SWITCHYARD_DEADLINE_EXCEEDED' },
  overloaded: { status: 529, type: 'overloaded_error', shouldRetry: true, code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED' },
};

const timeoutKinds: ReadonlySet<string> = new Set(['timeout', 'first-token-timeout']);

export function allFailedCause(attempts: Attempt[], why: 'deadline' | 'exhausted'): AllFailedCause {
  const failures = attempts.filter((attempt) => attempt.kind !== 'success');
  if (failures.length > 0 && failures.every((attempt) => attempt.kind === 'rate-limited')) return 'rate-limited';
  if (failures.length > 0 && failures.every((attempt) => attempt.kind === 'auth')) return 'credentials-refused';
  if (why === 'deadline') return 'timeout';
  if (failures.length > 0 && failures.every((attempt) => timeoutKinds.has(attempt.kind))) return 'timeout';
  return 'overloaded';
}

/** The soonest time any rate-limited deployment said it would take requests again. */
function soonestRetryAfter(attempts: Attempt[]): number | undefined {
  let soonest: number | undefined;
  for (const attempt of attempts) {
    if (attempt.retryAfterMs === undefined) continue;
    if (soonest === undefined || attempt.retryAfterMs < soonest) soonest = attempt.retryAfterMs;
  }
  return soonest;
}

export function allFailedError(route: ResolvedRoute, attempts: Attempt[], why: 'deadline' | 'exhausted'): GatewayError {
  const cause = allFailedCause(attempts, why);
  const row = allFailedTable[cause];
  const summary = attempts
    .map((attempt) => `${attempt.deployment}: ${attempt.kind}${attempt.status ? ` (${attempt.status})` : ''}`)
    .join('; ');
  const refused = [
    ...new Set(attempts.filter((attempt) => attempt.kind === 'auth').map((attempt) => attempt.deployment)),
  ];
  const reason =
    attempts.length === 0
      ? `no deployment of route "${route.name}" is available`
      : cause === 'credentials-refused'
        ? `the provider refused the gateway's own credentials for ${refused.join(', ')} (route "${route.name}"): check the deployment's API key`
        : cause === 'rate-limited'
          ? `every deployment of route "${route.name}" is rate-limited`
          : why === 'deadline'
            ? `the request deadline ran out after ${attempts.length} attempt(s) on route "${route.name}"`
            : cause === 'timeout'
              ? `every deployment of route "${route.name}" timed out`
              : `all deployments of route "${route.name}" failed`;
  const retryAfterMs =
    cause === 'rate-limited' ? (soonestRetryAfter(attempts) ?? 1_000) : cause === 'overloaded' ? 1_000 : undefined;
  return new GatewayError({
    status: row.status,
    code: why === 'deadline' ? 'SWITCHYARD_DEADLINE_EXCEEDED' : row.code,
    message: summary ? `${reason}: ${summary}` : reason,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    shouldRetry: row.shouldRetry,
    upstreamType: row.type,
    attempts: summarise(attempts),
  });
}
