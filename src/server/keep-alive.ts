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

/** Runs until `signal` aborts or the writer is done. */
export async function keepAlive(
  writer: ClientStreamWriter,
  sink: TrackedSink,
  intervalMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<void> {
  try {
    while (!writer.done && !signal.aborted) {
      const idleFor = clock.now() - sink.lastWriteAt;
      if (idleFor >= intervalMs) {
        writer.ping();
        continue;
      }
      await clock.sleep(intervalMs - idleFor, signal);
    }
  } catch {
    // stopped
  }
}
