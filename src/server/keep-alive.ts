// Keeps an idle SSE stream alive: when nothing was written for `intervalMs`, the writer pings.
import type { Clock } from '../util/clock.js';
import type { ClientStreamWriter, StreamSink } from '../ingress/client-stream-writer.js';

export interface TrackedSink extends StreamSink {
  readonly lastWriteAt: number;
}

export function trackWrites(sink: StreamSink, clock: Clock): TrackedSink {
  let lastWriteAt = clock.now();
  return {
    write(chunk) {
      lastWriteAt = clock.now();
      sink.write(chunk);
    },
    end() {
      sink.end();
    },
    get lastWriteAt() {
      return lastWriteAt;
    },
  };
}

/** Pings whenever the stream has been silent for `intervalMs`; returns the function that stops it. */
export function startKeepAlive(
  writer: ClientStreamWriter,
  sink: TrackedSink,
  intervalMs: number,
  clock: Clock,
): () => void {
  let cancel: () => void = () => {};
  const check = () => {
    if (writer.done) return;
    const idleFor = clock.now() - sink.lastWriteAt;
    if (idleFor >= intervalMs) {
      writer.ping();
      cancel = clock.schedule(intervalMs, check);
    } else {
      cancel = clock.schedule(intervalMs - idleFor, check);
    }
  };
  cancel = clock.schedule(intervalMs, check);
  return () => cancel();
}
