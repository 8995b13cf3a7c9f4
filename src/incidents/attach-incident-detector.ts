// Feeds the detector from its sources: the tracker's state changes (local and remote) and the attempt
// and request facts the request path publishes on diagnostics channels. A subscriber runs inside the
// publisher's call, so every handler swallows its own errors: incidents never fail a request.
import type { StateChangeListener } from '../health/deployment-state.js';
import { attemptChannel, requestChannel, type AttemptEvent, type RequestEvent } from '../observability/channels.js';
import type { IncidentDetector } from './incident-detector.js';

export interface StateChangeSource {
  onStateChange(listener: StateChangeListener): () => void;
}

export interface AttachOptions {
  tracker?: StateChangeSource;
  /** Subscribe to the attempt and request channels (default true). */
  channels?: boolean;
  onError?: (error: unknown) => void;
}

/** Subscribes the detector; returns the function that unsubscribes it from everything. */
export function attachIncidentDetector(detector: IncidentDetector, options: AttachOptions): () => void {
  const guard =
    <T>(handle: (value: T) => void) =>
    (value: T) => {
      try {
        handle(value);
      } catch (error) {
        options.onError?.(error);
      }
    };
  const unsubscribers: Array<() => void> = [];
  if (options.tracker)
    unsubscribers.push(options.tracker.onStateChange(guard((change) => detector.handleStateChange(change))));
  if (options.channels !== false) {
    const onAttempt = guard((message: unknown) => detector.recordAttempt(message as AttemptEvent));
    const onRequest = guard((message: unknown) => detector.recordRequest(message as RequestEvent));
    attemptChannel.subscribe(onAttempt);
    requestChannel.subscribe(onRequest);
    unsubscribers.push(
      () => attemptChannel.unsubscribe(onAttempt),
      () => requestChannel.unsubscribe(onRequest),
    );
  }
  return () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
}
