// Monitor-only mode's traffic: with no clients, each deployment gets one small synthetic request per
// interval (a "ping" answered with at most one token), sooner while it fails so an outage is confirmed
// in seconds rather than intervals, never while health keeps it ejected, and never past its daily
// spend cap. Each outcome is recorded in health and published on the attempt channel like a client's
// attempt, so incidents, alerts, status-page comparison, rollups, the report and the dashboard all see
// it. First requests are spread over the interval so deployments are not pinged all at once.
import type { DeploymentConfig } from '../config/schema.js';
import type { TokenPrice, WatchConfig } from '../config/watch-schema.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { HealthTracker } from '../health/health-tracker.js';
import { publishAttempt } from '../observability/channels.js';
import type { ProbeResult } from '../providers/probe-deployment.js';
import { AbortReason } from '../transport/abort-reasons.js';
import type { Clock } from '../util/clock.js';
import { publishedPrice, unknownModelPrice } from './published-prices.js';
import { SpendLedger, type SpendStatus } from './spend-ledger.js';

/** The route name synthetic attempts are published under (no client route is ever called this). */
export const watchRouteName = '(watch)';
const tickMs = 1_000;

export type SendSynthetic = (deployment: DeploymentConfig, signal: AbortSignal) => Promise<ProbeResult>;

export interface SyntheticWatchOptions {
  deployments: readonly DeploymentConfig[];
  settings: WatchConfig;
  tracker: HealthTracker;
  clock: Clock;
  send: SendSynthetic;
  /** Told once per deployment and day when its cap stops it, and about models priced as unknown. */
  onNotice?: (message: string, fields: Record<string, unknown>) => void;
}

interface Schedule {
  deployment: DeploymentConfig;
  intervalMs: number;
  nextAt: number;
  inFlight: boolean;
  sent: number;
  failures: number;
  lastOutcome?: AttemptOutcome['kind'];
  cappedNoticeDay?: number;
}

export interface WatchStatus {
  deployment: string;
  intervalMs: number;
  sent: number;
  failures: number;
  lastOutcome: string | null;
  nextAt: number;
  spend: SpendStatus;
}

export class SyntheticWatch {
  private readonly schedules: Schedule[];
  private readonly ledger: SpendLedger;
  private readonly controllers = new Set<AbortController>();
  private cancel: () => void = () => {};
  private running = false;
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly options: SyntheticWatchOptions) {
    const { settings, clock } = options;
    const now = clock.now();
    const prices = new Map<string, { capUsd: number; price: TokenPrice }>();
    for (const deployment of options.deployments) {
      const override = settings.deployments[deployment.id];
      let price = override?.price ?? publishedPrice(deployment.model);
      if (!price) {
        price = unknownModelPrice;
        options.onNotice?.('no published price for this model: charging the highest known price against its cap', {
          deployment: deployment.id,
          model: deployment.model,
        });
      }
      prices.set(deployment.id, { capUsd: override?.spendCapUsdPerDay ?? settings.spendCapUsdPerDay, price });
    }
    this.ledger = new SpendLedger((id) => prices.get(id)!);
    const count = options.deployments.length;
    this.schedules = options.deployments.map((deployment, index) => {
      const intervalMs = settings.deployments[deployment.id]?.intervalMs ?? settings.intervalMs;
      // Spread the first round over the interval; the first deployment goes at once.
      return {
        deployment,
        intervalMs,
        nextAt: now + Math.floor((intervalMs * index) / Math.max(1, count)),
        inFlight: false,
        sent: 0,
        failures: 0,
      };
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleTick();
  }

  stop(): void {
    this.running = false;
    this.cancel();
    for (const controller of this.controllers) controller.abort(new AbortReason('client-aborted', 'watch stopped'));
  }

  /** Sends every synthetic request that is due now; resolves when their outcomes are recorded. */
  tick(): Promise<void> {
    const now = this.options.clock.now();
    const due = this.schedules.filter((schedule) => !schedule.inFlight && schedule.nextAt <= now);
    const sending = Promise.all(due.map((schedule) => this.sendOne(schedule, now))).then(() => {});
    this.current = Promise.all([this.current, sending]).then(() => {});
    return sending;
  }

  /** Resolves when every synthetic request sent so far has been recorded. */
  idle(): Promise<void> {
    return this.current;
  }

  status(): WatchStatus[] {
    const now = this.options.clock.now();
    return this.schedules.map((schedule) => ({
      deployment: schedule.deployment.id,
      intervalMs: schedule.intervalMs,
      sent: schedule.sent,
      failures: schedule.failures,
      lastOutcome: schedule.lastOutcome ?? null,
      nextAt: schedule.nextAt,
      spend: this.ledger.status(schedule.deployment.id, now),
    }));
  }

  private async sendOne(schedule: Schedule, now: number): Promise<void> {
    const { tracker, clock, settings } = this.options;
    const id = schedule.deployment.id;
    if (!this.ledger.allows(id, now)) {
      const day = SpendLedger.nextDay(now);
      if (schedule.cappedNoticeDay !== day) {
        schedule.cappedNoticeDay = day;
        this.options.onNotice?.('daily spend cap reached: no synthetic requests until the next UTC day', {
          deployment: id,
          spentTodayUsd: this.ledger.status(id, now).spentTodayUsd,
        });
      }
      schedule.nextAt = day;
      return;
    }
    // Ejected and not yet due for a trial: look again next tick (nothing is sent, nothing spent).
    if (!tracker.admit(id)) {
      schedule.nextAt = now + tickMs;
      return;
    }
    schedule.inFlight = true;
    const controller = new AbortController();
    this.controllers.add(controller);
    const cancelTimeout = clock.schedule(settings.timeoutMs, () =>
      controller.abort(new AbortReason('timeout', `synthetic request gave no answer within ${settings.timeoutMs} ms`)),
    );
    let result: ProbeResult;
    try {
      result = await this.options.send(schedule.deployment, controller.signal);
    } catch {
      result = { outcome: { kind: controller.signal.aborted ? 'timeout' : 'local', latencyMs: clock.now() - now } };
    } finally {
      cancelTimeout();
      this.controllers.delete(controller);
      schedule.inFlight = false;
    }
    const { outcome, usage } = result;
    schedule.sent += 1;
    schedule.lastOutcome = outcome.kind;
    if (outcome.kind !== 'success') schedule.failures += 1;
    this.ledger.charge(
      id,
      now,
      usage ? usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens : 0,
      usage?.outputTokens ?? 0,
    );
    tracker.record(id, outcome);
    publishAttempt({
      route: watchRouteName,
      deployment: id,
      provider: schedule.deployment.provider,
      kind: outcome.kind,
      latencyMs: outcome.latencyMs,
      ...(outcome.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    });
    schedule.nextAt = clock.now() + (outcome.kind === 'success' ? schedule.intervalMs : settings.confirmIntervalMs);
  }

  private scheduleTick(): void {
    this.cancel = this.options.clock.schedule(tickMs, () => {
      if (!this.running) return;
      void this.tick().finally(() => {
        if (this.running) this.scheduleTick();
      });
    });
  }
}
