// One request to a simulated upstream, from the moment its body arrived to the moment the
// connection let go of it: counts it, tells apart how it ended (succeeded, failed by a fault,
// rejected, or aborted by the client — any close before we settled it), and sleeps on the
// injected clock in a way that wakes up when the client leaves.
import type { ServerResponse } from 'node:http';
import type { Clock } from '../util/clock.js';
import type { SimulatedUpstream } from './upstream-registry.js';

export type ExchangeOutcome = 'succeeded' | 'failed' | 'rejected';

export class Exchange {
  private settled = false;
  private closedFlag = false;
  /** The sleep in progress; one controller per sleep so no clock accumulates abort listeners. */
  private sleeping: AbortController | undefined;

  constructor(
    private readonly upstream: SimulatedUpstream,
    response: ServerResponse,
    private readonly clock: Clock,
    /** A gateway's active health probe rather than client traffic. */
    probe = false,
  ) {
    upstream.stats.requests += 1;
    if (probe) upstream.stats.probes += 1;
    upstream.stats.inFlight += 1;
    // 'close' fires after every response, finished or not; only an unsettled one was cut short by the client.
    response.once('close', () => {
      this.closedFlag = true;
      upstream.stats.inFlight -= 1;
      if (!this.settled) {
        this.settled = true;
        upstream.stats.aborted += 1;
        upstream.abortedAt.push(this.clock.now());
      }
      this.sleeping?.abort();
    });
  }

  /** True once the connection is gone: nothing more can be written. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Records how the exchange ended; the first call wins. Call before the last byte is written. */
  settle(outcome: ExchangeOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.upstream.stats[outcome] += 1;
  }

  /** Sleeps on the clock; false when the client left first (the caller should stop). */
  async sleep(ms: number): Promise<boolean> {
    if (this.closedFlag) return false;
    if (ms <= 0) return true;
    const controller = new AbortController();
    this.sleeping = controller;
    try {
      await this.clock.sleep(ms, controller.signal);
      return !this.closedFlag;
    } catch {
      return false;
    } finally {
      if (this.sleeping === controller) this.sleeping = undefined;
    }
  }
}
