// Lenient streams: an upstream event the gateway cannot parse is skipped (never forwarded) and the
// stream goes on. Each skip is published here, so /metrics can count it and the server can log it
// once per burst, without the providers knowing about either.
import diagnosticsChannel from 'node:diagnostics_channel';

export interface SkippedEvent {
  provider: string;
  /** Why it was skipped (`not JSON`, `not an object`). */
  reason: string;
}

export const skippedEventChannel = diagnosticsChannel.channel('switchyard:skipped-event');

export function publishSkippedEvent(event: SkippedEvent): void {
  if (skippedEventChannel.hasSubscribers) skippedEventChannel.publish(event);
}
