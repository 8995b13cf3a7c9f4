// A stream is held back until its first content event: until then the attempt loop may still fail
// over, and nothing has reached the client. After commit, the rest of the stream is passed on with
// an idle watchdog, and its end (finish, error or interruption) is reported exactly once.
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import { isContentEvent } from '../canonical/stream-event.js';
import type { UpstreamError } from '../canonical/errors.js';
import type { Clock } from '../util/clock.js';
import { AbortReason } from '../transport/abort-reasons.js';
import { classifyTransportError, failureFromAbort, streamEndedEarly } from '../providers/attempt-failure.js';

export interface StreamHead {
  /** Events up to and including the first content event. */
  head: CanonicalStreamEvent[];
  iterator: AsyncIterator<CanonicalStreamEvent>;
}

/** Reads until the first content event. Throws the upstream's failure if one comes first. */
export async function readStreamHead(events: AsyncIterable<CanonicalStreamEvent>): Promise<StreamHead> {
  const iterator = events[Symbol.asyncIterator]();
  const head: CanonicalStreamEvent[] = [];
  for (;;) {
    const step = await iterator.next();
    if (step.done) throw streamEndedEarly(undefined, true);
    const event = step.value;
    if (event.type === 'error') throw event.error;
    head.push(event);
    if (isContentEvent(event)) return { head, iterator };
  }
}

export interface CommittedStreamOptions {
  clock: Clock;
  /** Longest silence tolerated between upstream events once committed. */
  idleTimeoutMs: number;
  /**
   * When set, a silence longer than max(10 × the largest gap this stream has shown, stallFloorMs) —
   * and never more than idleTimeoutMs — is a stall: the stream is cut so it can be continued elsewhere.
   */
  stallFloorMs?: number;
  /** Aborts the upstream call (the attempt's controller). */
  abort: (reason: AbortReason) => void;
  signal: AbortSignal;
  /** Called once with the stream's end: undefined for a finished stream, else the failure. */
  onEnd: (failure: UpstreamError | undefined) => void;
}

/**
 * Yields the head, then the rest. Upstream failures after commit become one `error` event (the
 * client gets a well-formed error in its format), never a silent end.
 */
export async function* committedStream(
  stream: StreamHead,
  options: CommittedStreamOptions,
): AsyncGenerator<CanonicalStreamEvent> {
  let lastEventAt = options.clock.now();
  let largestGapMs = 0;
  let ended = false;
  let cancelWatchdog: () => void = () => {};
  const silenceLimit = () =>
    options.stallFloorMs === undefined
      ? options.idleTimeoutMs
      : Math.min(options.idleTimeoutMs, Math.max(10 * largestGapMs, options.stallFloorMs));
  const watch = (waitMs: number) => {
    cancelWatchdog = options.clock.schedule(waitMs, () => {
      if (ended) return;
      const limit = silenceLimit();
      const remaining = lastEventAt + limit - options.clock.now();
      if (remaining > 0) watch(remaining);
      else options.abort(new AbortReason('timeout', `the stream stalled: no upstream event for ${limit} ms`));
    });
  };
  watch(silenceLimit());

  const finish = (failure: UpstreamError | undefined) => {
    if (ended) return;
    ended = true;
    cancelWatchdog();
    options.onEnd(failure);
  };

  try {
    // Terminal events are reported before they are yielded: a consumer that stops reading right
    // after the finish event must not look like a client that went away.
    for (const event of stream.head) {
      if (event.type === 'finish') {
        finish(undefined);
        yield event;
        return;
      }
      yield event;
    }
    for (;;) {
      let step: IteratorResult<CanonicalStreamEvent>;
      try {
        step = await stream.iterator.next();
      } catch (error) {
        const failure = classifyTransportError(error, options.signal, 'body');
        finish(failure);
        yield { type: 'error', error: failure };
        return;
      }
      if (step.done) {
        const failure = streamEndedEarly(options.signal);
        finish(failure);
        yield { type: 'error', error: failure };
        return;
      }
      const now = options.clock.now();
      largestGapMs = Math.max(largestGapMs, now - lastEventAt);
      lastEventAt = now;
      const event = step.value;
      if (event.type === 'error') {
        finish(event.error);
        yield event;
        return;
      }
      if (event.type === 'finish') {
        finish(undefined);
        yield event;
        return;
      }
      yield event;
    }
  } finally {
    if (!ended) {
      // The consumer stopped reading (client gone): abort the upstream at once.
      const reason = new AbortReason('client-aborted', 'the client stopped reading the stream');
      options.abort(reason);
      finish(failureFromAbort(reason));
      void stream.iterator.return?.().catch(() => {});
    }
  }
}
