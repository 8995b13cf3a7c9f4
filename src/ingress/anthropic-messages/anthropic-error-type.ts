// The Anthropic `error.type` for an HTTP status or a failed upstream (docs/protocols/ §1.5, §6.4).
import type { UpstreamError } from '../../canonical/errors.js';

/** Every error type the Anthropic SDK knows; an upstream's own type is passed through only if it is one. */
const anthropicErrorTypes: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

export function anthropicErrorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      // Anthropic uses invalid_request_error for the other 4xx and api_error for the other 5xx.
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** A mid-stream upstream failure: its own Anthropic type when it has one, else by status, else by kind. */
export function anthropicErrorTypeForUpstream(error: UpstreamError): string {
  if (error.providerCode !== undefined && anthropicErrorTypes.has(error.providerCode)) return error.providerCode;
  if (error.status !== undefined) return anthropicErrorTypeForStatus(error.status);
  switch (error.kind) {
    case 'rate-limited':
      return 'rate_limit_error';
    case 'overloaded':
      return 'overloaded_error';
    case 'timeout':
    case 'first-token-timeout':
      return 'timeout_error';
    default:
      return 'api_error';
  }
}
