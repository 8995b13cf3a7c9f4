// An upstream error that arrived inside a stream (a canonical `error` event) → the GatewayError
// the client is told about. Content has already gone out, so this only decides how the in-band
// error reads: its type follows the upstream status (or the failure kind when there was none),
// and its code is the provider's own, so a client sees `overloaded_error` rather than a guess.
import type { FailureKind, UpstreamError } from '../../canonical/errors.js';
import { GatewayError } from '../../canonical/gateway-error.js';

function statusForKind(kind: FailureKind): number {
  switch (kind) {
    case 'rate-limited':
      return 429;
    case 'overloaded':
      return 503;
    case 'timeout':
    case 'first-token-timeout':
      return 504;
    case 'invalid-request':
    case 'context-length':
    case 'content-filter':
    case 'unsupported-feature':
      return 400;
    case 'local':
      return 500;
    default:
      return 502;
  }
}

export function gatewayErrorFromUpstream(error: UpstreamError): GatewayError {
  // An upstream's revoked key or missing model is not the client's 401/404: it reads as a bad gateway.
  const upstreamSide = error.kind === 'auth' || error.kind === 'not-found';
  return new GatewayError({
    status: upstreamSide ? 502 : (error.status ?? statusForKind(error.kind)),
    code: 'SWITCHYARD_STREAM_INTERRUPTED',
    message: error.message,
    ...(error.providerCode === undefined ? {} : { upstreamType: error.providerCode }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}
