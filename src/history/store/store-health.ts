// The store's health as an operator needs it: whether writes are landing (writable), how far behind
// they are (lag), how many rows wait in memory, and whether the SQLite file vanished under the running
// process — SQLite keeps writing to a deleted file without an error, so the file is checked on a timer
// (injected clock) and created again when it is gone. Read by /admin/health, /readyz and /metrics.
import type { Clock } from '../../util/clock.js';
import type { IncidentStore, StoreLogger } from './incident-store.js';
import type { StoreWriter } from './store-writer.js';

export interface StoreHealth {
  backend: IncidentStore['backend'];
  /** The last write landed, and (SQLite) the file is the one being written. */
  writable: boolean;
  /** How long the oldest waiting rows have waited for the store (0 when nothing waits). */
  lagMs: number;
  rowsWaiting: number;
  failedWrites: number;
  /** Times the SQLite file vanished and was created again. */
  recreated: number;
}

/** What SQLite adds: a file that can vanish under the process. */
interface FileBackedStore {
  fileIntact(): boolean;
  recreateIfVanished(): Promise<boolean>;
  recreated: number;
}

function fileBacked(store: IncidentStore): FileBackedStore | undefined {
  return 'recreateIfVanished' in store ? (store as unknown as FileBackedStore) : undefined;
}

export class StoreHealthWatch {
  private readonly stop = new AbortController();
  private readonly file: FileBackedStore | undefined;

  constructor(
    private readonly options: {
      store: IncidentStore;
      writer?: StoreWriter;
      clock: Clock;
      logger?: StoreLogger;
      /** How often the file is checked (default 1 s). */
      intervalMs?: number;
    },
  ) {
    this.file = fileBacked(options.store);
  }

  /** Checks the file on a timer until close(); only SQLite has a file to check. */
  start(): void {
    if (!this.file) return;
    void this.loop();
  }

  /** One check: a vanished file is created again (and logged). */
  async check(): Promise<void> {
    if (!this.file) return;
    try {
      if (await this.file.recreateIfVanished())
        this.options.logger?.warn({ recreated: this.file.recreated }, 'incident store file vanished; created it again');
    } catch (error) {
      this.options.logger?.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'incident store file vanished and could not be created again',
      );
    }
  }

  snapshot(): StoreHealth {
    const { writer, clock, store } = this.options;
    const rowsWaiting = writer?.pending ?? 0;
    return {
      backend: store.backend,
      writable: (writer?.consecutiveFailedWrites ?? 0) === 0 && (this.file?.fileIntact() ?? true),
      lagMs: writer && rowsWaiting > 0 ? Math.max(0, clock.now() - writer.lastWrittenAt) : 0,
      rowsWaiting,
      failedWrites: writer?.failedWrites ?? 0,
      recreated: this.file?.recreated ?? 0,
    };
  }

  close(): void {
    this.stop.abort();
  }

  private async loop(): Promise<void> {
    const intervalMs = this.options.intervalMs ?? 1_000;
    while (!this.stop.signal.aborted) {
      try {
        await this.options.clock.sleep(intervalMs, this.stop.signal);
      } catch {
        return;
      }
      await this.check();
    }
  }
}
