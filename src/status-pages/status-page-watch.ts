// One configured status page as the poller follows it: the last summary seen, the last error, the
// outage of the page itself (logged once when it starts and once when it ends, however many polls fail
// in between), and the acknowledgements each successful poll makes due.
import type { Clock } from '../util/clock.js';
import {
  AcknowledgementTracker,
  type AcknowledgementCallback,
  type AcknowledgementResult,
} from './acknowledgement-tracker.js';
import { fetchStatuspageSummary, type StatusPageFetch } from './fetch-status-page.js';
import { summaryUrlOf, type StatusPageConfig } from './status-page-config.js';
import type { StatuspageSummary } from './statuspage-summary.js';

/** pino-compatible. */
export interface StatusPageLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface AffectedComponent {
  id: string;
  name: string;
  status: string;
  /** The deployments or domains it maps to (empty when the configuration does not map it). */
  targets: string[];
}

export interface StatusPageView {
  page: string;
  /** The summary URL polled. */
  url: string;
  /** none | minor | major | critical (as the page says); null before the first good poll. */
  indicator: string | null;
  description: string | null;
  /** Components of the page that are not operational. */
  affectedComponents: AffectedComponent[];
  unresolvedIncidents: Array<{
    id: string;
    name: string;
    status: string;
    impact: string | null;
    createdAt: number | null;
    componentIds: string[];
  }>;
  /** Configured component ids the page does not list (a typo, or the provider changed its page). */
  missingComponents: string[];
  lastPollAt: number | null;
  lastSuccessAt: number | null;
  /** The last poll's failure; null when it succeeded. */
  lastError: string | null;
  /** When the page started failing to answer usable JSON; null while it answers. */
  failingSince: number | null;
}

export interface StatusPageWatchOptions {
  clock: Clock;
  onAcknowledgement: AcknowledgementCallback;
  logger?: StatusPageLogger;
  fetch?: StatusPageFetch;
}

export class StatusPageWatch {
  readonly url: string;
  private readonly tracker: AcknowledgementTracker;
  private summary: StatuspageSummary | null = null;
  private lastPollAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private lastError: string | null = null;
  private failingSince: number | null = null;

  constructor(
    readonly config: StatusPageConfig,
    private readonly options: StatusPageWatchOptions,
  ) {
    this.url = summaryUrlOf(config);
    this.tracker = new AcknowledgementTracker(config);
  }

  async poll(signal?: AbortSignal): Promise<void> {
    const { clock, logger } = this.options;
    const startedAt = clock.now();
    const result = await fetchStatuspageSummary(this.url, {
      clock,
      timeoutMs: this.config.timeoutMs,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted) return;
    const now = clock.now();
    this.lastPollAt = startedAt;
    if (!result.ok) {
      this.lastError = result.error;
      if (this.failingSince === null) {
        this.failingSince = startedAt;
        logger?.warn(
          { page: this.config.name, url: this.url, error: result.error },
          'status page unusable; polling on, ignoring it until it answers',
        );
      }
      return;
    }
    if (this.failingSince !== null) {
      logger?.info({ page: this.config.name, downForMs: now - this.failingSince }, 'status page answers again');
      this.failingSince = null;
    }
    this.lastError = null;
    this.lastSuccessAt = startedAt;
    this.summary = result.summary;
    for (const pending of this.tracker.due(result.summary, now)) {
      let taken: AcknowledgementResult;
      try {
        taken = await this.options.onAcknowledgement(pending.event);
      } catch (error) {
        logger?.warn(
          { page: this.config.name, err: error instanceof Error ? error.message : String(error) },
          'status page acknowledgement receiver failed; offering it again next poll',
        );
        taken = false;
      }
      this.tracker.announced(pending, taken);
    }
  }

  view(): StatusPageView {
    const summary = this.summary;
    const mapped = this.config.components;
    const listed = new Set(summary?.components.map((component) => component.id) ?? []);
    return {
      page: this.config.name,
      url: this.url,
      indicator: summary?.indicator ?? null,
      description: summary?.description ?? null,
      affectedComponents: (summary?.components ?? [])
        .filter((component) => component.status !== 'operational')
        .map((component) => ({ ...component, targets: [...(mapped[component.id] ?? [])] })),
      unresolvedIncidents: (summary?.incidents ?? []).map((incident) => ({
        ...incident,
        componentIds: [...incident.componentIds],
      })),
      missingComponents: summary ? Object.keys(mapped).filter((id) => !listed.has(id)) : [],
      lastPollAt: this.lastPollAt,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      failingSince: this.failingSince,
    };
  }
}
