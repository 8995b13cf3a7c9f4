// Records what the lenient stream readers publish as skipped, for tests that plant a bad event.
import diagnosticsChannel from 'node:diagnostics_channel';
import { skippedEventChannel, type SkippedEvent } from '../../src/observability/skipped-events.js';

export function captureSkippedEvents(): { events: SkippedEvent[]; stop: () => void } {
  const events: SkippedEvent[] = [];
  const listener = (message: unknown) => events.push(message as SkippedEvent);
  diagnosticsChannel.subscribe(skippedEventChannel.name, listener);
  return { events, stop: () => diagnosticsChannel.unsubscribe(skippedEventChannel.name, listener) };
}
