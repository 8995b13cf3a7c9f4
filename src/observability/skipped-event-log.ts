// Skipped upstream events are logged once per burst: a provider sending garbage sends a lot of it,
// and one warning per event would bury the log (and cost the event loop) exactly when it is needed.
// The first skip of a burst is logged at once with its reason; the rest are counted, and when the
// provider has been quiet for `quietMs` one line says how many more were skipped.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Clock } from '../util/clock.js';
import { skippedEventChannel, type SkippedEvent } from './skipped-events.js';

/** The part of a pino logger this needs. */
export interface BurstLogger {
  warn(fields: object, message: string): void;
}

interface Burst {
  lastAt: number;
  /** Skips after the first, not yet logged. */
  more: number;
  cancelEnd: () => void;
}

export class SkippedEventLog {
  private readonly bursts = new Map<string, Burst>();
  private readonly listener = (message: unknown) => this.record(message as SkippedEvent);

  constructor(private readonly options: { clock: Clock; logger: BurstLogger; quietMs?: number }) {}

  private get quietMs(): number {
    return this.options.quietMs ?? 60_000;
  }

  /** Starts listening on the skipped-event channel; returns the function that stops. */
  subscribe(): () => void {
    diagnosticsChannel.subscribe(skippedEventChannel.name, this.listener);
    return () => {
      diagnosticsChannel.unsubscribe(skippedEventChannel.name, this.listener);
      for (const provider of [...this.bursts.keys()]) this.end(provider);
    };
  }

  record(event: SkippedEvent): void {
    const now = this.options.clock.now();
    const burst = this.bursts.get(event.provider);
    if (burst) {
      burst.more += 1;
      burst.lastAt = now;
      return;
    }
    this.options.logger.warn(
      { provider: event.provider, reason: event.reason },
      `skipped an unparseable ${event.provider} stream event (${event.reason}); the stream went on`,
    );
    const started: Burst = { lastAt: now, more: 0, cancelEnd: () => {} };
    this.bursts.set(event.provider, started);
    this.watch(event.provider, started);
  }

  /** Ends the burst once the provider has sent no bad event for quietMs (checked against the last one). */
  private watch(provider: string, burst: Burst): void {
    const wait = burst.lastAt + this.quietMs - this.options.clock.now();
    burst.cancelEnd = this.options.clock.schedule(wait, () => {
      if (this.options.clock.now() - burst.lastAt >= this.quietMs) this.end(provider);
      else this.watch(provider, burst);
    });
  }

  private end(provider: string): void {
    const burst = this.bursts.get(provider);
    if (!burst) return;
    burst.cancelEnd();
    this.bursts.delete(provider);
    if (burst.more > 0)
      this.options.logger.warn(
        { provider, skipped: burst.more },
        `skipped ${burst.more} more unparseable ${provider} stream events in that burst`,
      );
  }
}
