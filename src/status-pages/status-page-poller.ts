// Polls every configured provider status page (Atlassian Statuspage v2 summary.json) on the injected
// clock, each on its own interval (default 60 s: pages lag reality, so polling faster buys nothing),
// one request at a time per page, and hands acknowledgements to the callback. A page that is down,
// moved or answering HTML is logged once per outage and polled on; it never stops the others.
import type { Clock } from '../util/clock.js';
import type { AcknowledgementCallback } from './acknowledgement-tracker.js';
import type { StatusPageFetch } from './fetch-status-page.js';
import type { StatusPageConfig } from './status-page-config.js';
import { StatusPageWatch, type StatusPageLogger, type StatusPageView } from './status-page-watch.js';

export interface StatusPagePollerOptions {
  /** Parsed `statusPages` entries (statusPageConfigSchema gives the defaults). */
  pages: readonly StatusPageConfig[];
  clock: Clock;
  onAcknowledgement: AcknowledgementCallback;
  logger?: StatusPageLogger;
  /** Replaces the HTTP GET (tests). */
  fetch?: StatusPageFetch;
}

interface Runner {
  watch: StatusPageWatch;
  inFlight: Promise<void> | undefined;
  cancelNext: () => void;
}

export class StatusPagePoller {
  private readonly runners: Runner[];
  private readonly lifetime = new AbortController();
  private started = false;

  constructor(private readonly options: StatusPagePollerOptions) {
    this.runners = options.pages.map((config) => ({
      watch: new StatusPageWatch(config, {
        clock: options.clock,
        onAcknowledgement: options.onAcknowledgement,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      inFlight: undefined,
      cancelNext: () => {},
    }));
  }

  /** Polls every page now, then each on its interval. */
  start(): void {
    if (this.started || this.lifetime.signal.aborted) return;
    this.started = true;
    for (const runner of this.runners) void this.run(runner);
  }

  /** Polls every page now (joining a poll already under way); resolves when all are done. */
  async pollNow(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.inFlight ?? this.pollOnce(runner)));
  }

  /** Resolves once no poll is under way (tests: after advancing the clock). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = this.runners
        .map((runner) => runner.inFlight)
        .filter((poll): poll is Promise<void> => poll !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Per page: indicator, affected components, unresolved incidents, last poll, last error. */
  current(): StatusPageView[] {
    return this.runners.map((runner) => runner.watch.view());
  }

  /** Stops scheduling, aborts polls under way and waits for them. */
  async stop(): Promise<void> {
    this.lifetime.abort();
    for (const runner of this.runners) runner.cancelNext();
    await this.whenIdle();
  }

  private async run(runner: Runner): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    const startedAt = this.options.clock.now();
    await (runner.inFlight ?? this.pollOnce(runner));
    if (this.lifetime.signal.aborted) return;
    // Keep the cadence from one poll's start to the next, whatever the page's response time.
    const wait = Math.max(0, startedAt + runner.watch.config.intervalMs - this.options.clock.now());
    runner.cancelNext = this.options.clock.schedule(wait, () => void this.run(runner));
  }

  private pollOnce(runner: Runner): Promise<void> {
    const poll = runner.watch
      .poll(this.lifetime.signal)
      .catch((error: unknown) => {
        // poll() does not throw by design; if it ever does, say so and keep polling.
        this.options.logger?.warn(
          { page: runner.watch.config.name, err: error instanceof Error ? error.message : String(error) },
          'status page poll failed',
        );
      })
      .finally(() => {
        if (runner.inFlight === poll) runner.inFlight = undefined;
      });
    runner.inFlight = poll;
    return poll;
  }
}
