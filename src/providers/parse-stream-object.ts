// One streamed event's JSON payload, which must be an object. Streams are lenient: an event that is
// not a JSON object is skipped (never forwarded), published for /metrics and the burst log, and the
// stream goes on — one bad event must not cost the client the rest of a good answer.
import { publishSkippedEvent } from '../observability/skipped-events.js';
import { parseJsonRecord } from '../util/wire-values.js';

/** The event's object, or undefined when it cannot be parsed (the skip is already published). */
export function parseStreamObject(
  provider: string,
  data: string,
  what = 'event data',
): Record<string, unknown> | undefined {
  const parsed = parseJsonRecord(data);
  if (parsed === undefined) publishSkippedEvent({ provider, reason: `${what} is not a JSON object` });
  return parsed;
}
