// One streamed event's JSON payload, which must be an object; anything else is a malformed stream
// from the upstream (kind `server`, code `malformed_stream`), never a crash.
import { UpstreamError } from '../canonical/errors.js';

export function parseStreamObject(provider: string, data: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    throw new UpstreamError({
      kind: 'server',
      providerCode: 'malformed_stream',
      message: `${provider} stream carried data that is not JSON`,
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UpstreamError({
      kind: 'server',
      providerCode: 'malformed_stream',
      message: `${provider} stream event is not an object`,
    });
  }
  return parsed as Record<string, unknown>;
}
