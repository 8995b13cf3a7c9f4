// An error Switchyard answers a client with. Ingress writers turn it into the client's own
// error shape (Anthropic or OpenAI) with the same status, retry-after and x-should-retry.
import type { AttemptSummary } from './attempt.js';
import type { RelayedErrorAnswer, SwitchyardErrorCode } from './errors.js';

export interface GatewayErrorInit {
  status: number;
  code: SwitchyardErrorCode;
  message: string;
  /** Set when a retry can help and we know when. */
  retryAfterMs?: number;
  /** False when retrying the same request cannot help (sent as x-should-retry: false). */
  shouldRetry?: boolean;
  /** The request field at fault, for invalid requests (`messages[0].content`). */
  param?: string;
  /** The provider's own error type, when an upstream error is passed through (e.g. `overloaded_error`). */
  upstreamType?: string;
  attempts?: AttemptSummary[];
  /** A same-format upstream error answer, which the client receives exactly as the upstream sent it. */
  relayed?: RelayedErrorAnswer;
}

const gatewayErrorBrand = Symbol.for('switchyard.GatewayError');

export class GatewayError extends Error {
  readonly [gatewayErrorBrand] = true;
  readonly status: number;
  readonly code: SwitchyardErrorCode;
  readonly retryAfterMs?: number;
  readonly shouldRetry?: boolean;
  readonly param?: string;
  readonly upstreamType?: string;
  readonly attempts?: AttemptSummary[];
  readonly relayed?: RelayedErrorAnswer;

  constructor(init: GatewayErrorInit) {
    super(init.message);
    this.name = 'GatewayError';
    this.status = init.status;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.shouldRetry = init.shouldRetry;
    this.param = init.param;
    this.upstreamType = init.upstreamType;
    this.attempts = init.attempts;
    this.relayed = init.relayed;
  }

  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && gatewayErrorBrand in value;
  }
}
