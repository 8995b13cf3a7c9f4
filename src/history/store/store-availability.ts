// Whether the store answers, as every writer beside the path sees it (rollup writer, incident recorder,
// alert delivery claims): one log line when it goes away and one when it returns, however many writers
// fail meanwhile and however long the outage lasts. Writers waiting out a backoff are told when another
// one got through, so what was kept during an outage is written as soon as the store is back.
import { scrubSecrets } from '../../util/scrub-secrets.js';
import type { StoreLogger } from './incident-store.js';

export class StoreAvailability {
  private down = false;
  private failures = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly logger?: StoreLogger) {}

  get available(): boolean {
    return !this.down;
  }

  /** Store calls that failed during the current (or last) outage. */
  get failuresInOutage(): number {
    return this.failures;
  }

  failed(error: unknown, pending: number): void {
    this.failures += 1;
    if (this.down) return;
    this.down = true;
    this.logger?.warn(
      { error: scrubSecrets(error instanceof Error ? error.message : String(error)), pending },
      'incident store unavailable: writes are kept in memory and retried',
    );
  }

  succeeded(pending: number): void {
    if (!this.down) return;
    this.down = false;
    this.logger?.info({ failedWrites: this.failures, pending }, 'incident store available again');
    this.failures = 0;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` each time the store answers again after an outage; returns the unsubscribe function. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
