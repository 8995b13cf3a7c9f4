// What the gateway logs from the facts the request path publishes on diagnostics channels: what
// bridging removed or changed (debug level; the client sees removals in x-switchyard-removed), and
// unparseable upstream events skipped (once per burst, skipped-event-log.ts).
import { type BridgedEvent, bridgedChannel } from '../observability/channels.js';
import { SkippedEventLog } from '../observability/skipped-event-log.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from './logger.js';

/** Starts the channel logs; returns the function that stops them. */
export function logChannels(logger: Logger, clock: Clock): () => void {
  const onBridged = (message: unknown) => {
    const event = message as BridgedEvent;
    logger.debug(
      event,
      `bridged to ${event.provider} ${event.deployment}: removed ${event.removed.join(', ') || 'nothing'}`,
    );
  };
  bridgedChannel.subscribe(onBridged);
  const stopSkippedEventLog = new SkippedEventLog({ clock, logger }).subscribe();
  return () => {
    bridgedChannel.unsubscribe(onBridged);
    stopSkippedEventLog();
  };
}
