// Outcome kinds and the error that carries one. Every failure of an attempt is classified into
// exactly one kind; health/outcome-policy.ts says what each kind means for retry, failover and health.

export type FailureKind =
  | 'connect'
  | 'timeout'
  | 'first-token-timeout'
  | 'rate-limited'
  | 'overloaded'
  | 'server'
  | 'stream-interrupted'
  | 'auth'
  | 'invalid-request'
  | 'context-length'
  | 'content-filter'
  /**
   * A 400 saying this platform does not take a beta, field or feature the request uses: the request
   * does not fit this deployment, another may serve it, and the deployment is not unwell.
   */
  | 'unsupported-feature'
  /** The upstream does not have the model / endpoint (404): a configuration problem of that deployment. */
  | 'not-found'
  /** The gateway stopped the attempt because another one answered first (the losing side of a hedge). */
  | 'abandoned'
  /** The client went away: local origin, never counts against the upstream. */
  | 'client-aborted'
  /** Our own bug or an unparseable answer we could not attribute: local origin. */
  | 'local';

export type OutcomeKind = 'success' | FailureKind;

export type { SwitchyardErrorCode } from './error-codes.js';

const upstreamErrorBrand = Symbol.for('switchyard.UpstreamError');

export interface UpstreamErrorInit {
  kind: FailureKind;
  message: string;
  /** HTTP status the upstream answered with, when there was an answer. */
  status?: number;
  /** The provider's own error type / code (`overloaded_error`, `rate_limit_exceeded`, `ThrottlingException`). */
  providerCode?: string;
  /** How long the upstream asked us to wait, from retry-after / retry-after-ms / RetryInfo. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** An upstream error answer as it came, for a client of the upstream's own format (the relay lane). */
export interface RelayedErrorAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** A classified failure of one attempt. Messages never contain credentials. */
export class UpstreamError extends Error {
  readonly [upstreamErrorBrand] = true;
  readonly kind: FailureKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;
  /** Set on the relay lane: what the client receives if this error is passed through. */
  relayed?: RelayedErrorAnswer;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'UpstreamError';
    this.kind = init.kind;
    this.status = init.status;
    this.providerCode = init.providerCode;
    this.retryAfterMs = init.retryAfterMs;
  }

  static isInstance(value: unknown): value is UpstreamError {
    return typeof value === 'object' && value !== null && upstreamErrorBrand in value;
  }
}
