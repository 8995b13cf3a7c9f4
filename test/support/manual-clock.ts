// A clock that only moves when the test says so. Sleepers wake in deadline order as time advances.
import type { Clock } from '../../src/util/clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((entry) => entry !== sleeper);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  schedule(ms: number, callback: () => void): () => void {
    let cancelled = false;
    const sleeper: Sleeper = {
      wakeAt: this.current + Math.max(0, ms),
      resolve: () => {
        if (!cancelled) callback();
      },
    };
    this.sleepers.push(sleeper);
    return () => {
      cancelled = true;
      this.sleepers = this.sleepers.filter((entry) => entry !== sleeper);
    };
  }

  /** Number of pending sleepers, so a test can wait until the code under test has gone to sleep. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  /** Moves time forward, waking sleepers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers[0];
      if (!next || next.wakeAt > target) break;
      this.sleepers.shift();
      // After a stall, overdue sleepers wake late: time never goes back.
      this.current = Math.max(this.current, next.wakeAt);
      next.resolve();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /**
   * The event loop is blocked for `ms`: time moves on and nothing runs. Sleepers that fell due meanwhile
   * wake late, on the next advance (advance(0) wakes them at once).
   */
  stall(ms: number): void {
    this.current += ms;
  }

  /** Advances until no sleeper is left (bounded), for code that sleeps an unknown number of times. */
  async runAll(limitMs = 10 * 60_000): Promise<void> {
    const end = this.current + limitMs;
    while (this.sleepers.length > 0 && this.current < end) {
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers[0]!;
      await this.advance(Math.max(0, next.wakeAt - this.current));
    }
  }
}

export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
