// Sends every alert to every sink, off the request path, exactly once across replicas: alerts go into
// the shared outbox (one entry per transition × sink, idempotent by dedup key), and each replica's
// dispatcher claims due entries under a lease, sends them, and marks them delivered, or puts them back
// with a backoff until the sink's retry window is over. Sends run concurrently, so a slow or dead sink
// delays nobody else; nothing here is awaited by the detector or a client request.
import type { Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { defaultAlertRetryWindowMs } from './alerts-config.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import { idempotencyKeyOf, type Alert } from './alert.js';
import { defaultBackoff, nextAttemptAt, type BackoffSettings } from './alert-backoff.js';
import type { AlertOutbox, OutboxEntry } from './alert-outbox.js';
import type { AlertSink } from './alert-sink.js';
import type { DeliveryResult } from './post-json.js';

/** The part of a pino logger the dispatcher uses. Fields never hold secrets: targets are host-only. */
export interface AlertLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AlertDispatcherOptions {
  sinks: readonly AlertSink[];
  outbox: AlertOutbox;
  clock: Clock;
  random?: Random;
  /** This replica's name in outbox leases. */
  owner: string;
  /** How long an alert is retried when its sink does not set its own window (default 10 min). */
  retryWindowMs?: number;
  backoff?: BackoffSettings;
  /** How often due entries are claimed (default 1 s); new alerts are claimed at once as well. */
  pollIntervalMs?: number;
  /** How long a claimed entry is ours before another replica may take it over (default 60 s). */
  leaseMs?: number;
  /** Entries claimed per round (default 50). */
  batchSize?: number;
  logger?: AlertLogger;
}

export interface DispatcherCounts {
  enqueued: number;
  delivered: number;
  retried: number;
  abandoned: number;
}

export function outboxKeyOf(alert: Alert, sinkId: string): string {
  return `${idempotencyKeyOf(alert)}:${sinkId}`;
}

export class AlertDispatcher {
  readonly counts: DispatcherCounts = { enqueued: 0, delivered: 0, retried: 0, abandoned: 0 };
  private readonly sinks: Map<string, AlertSink>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sending = new Set<string>();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private running = false;
  private cancelPoll: (() => void) | undefined;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.sinks = new Map(options.sinks.map((sink) => [sink.id, sink]));
  }

  /** Puts one entry per sink into the outbox (a no-op for entries another replica already put there). */
  async enqueue(alert: Alert): Promise<number> {
    const now = this.options.clock.now();
    let added = 0;
    for (const sink of this.sinks.values()) {
      const entry = { sinkId: sink.id, alert, createdAt: now, availableAt: now };
      if (await this.options.outbox.enqueue(outboxKeyOf(alert, sink.id), entry)) added += 1;
    }
    this.counts.enqueued += added;
    if (added > 0 && this.running) void this.pump();
    return added;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePoll();
    void this.pump();
  }

  /** Stops claiming; deliveries already under way finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelPoll?.();
    await this.idle();
  }

  /** One claim round (rounds never overlap: a call during one asks for another right after). */
  pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    // The flag is checked and `pumping` cleared in one synchronous step, so no call in between is lost.
    const run = async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.claimAndSend();
        } while (this.pumpAgain);
      } catch (error) {
        this.options.logger?.warn(
          { err: safeError(error) },
          'alert outbox unavailable; claiming again on the next round',
        );
      } finally {
        this.pumping = null;
      }
    };
    this.pumping = run();
    return this.pumping;
  }

  /** Resolves once no claim round and no delivery is under way. */
  async idle(): Promise<void> {
    while (this.pumping || this.inFlight.size > 0) {
      await this.pumping;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private schedulePoll(): void {
    this.cancelPoll = this.options.clock.schedule(this.options.pollIntervalMs ?? 1_000, () => {
      if (!this.running) return;
      this.schedulePoll();
      void this.pump();
    });
  }

  private async claimAndSend(): Promise<void> {
    const { outbox, clock, owner } = this.options;
    const entries = await outbox.claimDue({
      owner,
      now: clock.now(),
      leaseMs: this.options.leaseMs ?? 60_000,
      limit: this.options.batchSize ?? 50,
    });
    for (const entry of entries) {
      if (this.sending.has(entry.dedupKey)) continue;
      this.sending.add(entry.dedupKey);
      const delivery = this.deliver(entry)
        .catch((error: unknown) => {
          // The outbox failed to record the outcome: the lease runs out and the entry is claimed again.
          this.options.logger?.warn(
            { key: entry.dedupKey, err: safeError(error) },
            'could not record an alert delivery outcome',
          );
        })
        .finally(() => {
          this.sending.delete(entry.dedupKey);
          this.inFlight.delete(delivery);
        });
      this.inFlight.add(delivery);
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const { outbox, clock, owner } = this.options;
    const sink = this.sinks.get(entry.sinkId);
    const attempts = entry.attempts + 1;
    const windowEndsAt =
      entry.createdAt + (sink?.retryWindowMs ?? this.options.retryWindowMs ?? defaultAlertRetryWindowMs);
    if (!sink) {
      // A sink another replica has and this one does not (configurations differ during a rollout): leave it to them.
      const availableAt = clock.now() + (this.options.leaseMs ?? 60_000);
      if (availableAt < windowEndsAt)
        await outbox.retryLater(entry.dedupKey, owner, {
          availableAt,
          attempts: entry.attempts,
          lastError: entry.lastError ?? 'sink not configured here',
        });
      else
        await outbox.abandon(entry.dedupKey, owner, {
          at: clock.now(),
          attempts: entry.attempts,
          lastError: `sink ${entry.sinkId} is not configured`,
        });
      return;
    }
    const idempotencyKey = idempotencyKeyOf(entry.alert);
    let result: DeliveryResult;
    try {
      result = await sink.send(entry.alert, { idempotencyKey, now: clock.now() });
    } catch (error) {
      result = { ok: false, retryable: true, error: safeError(error) };
    }
    const now = clock.now();
    const fields = { sink: sink.id, type: sink.type, target: sink.target, key: idempotencyKey, attempt: attempts };
    if (result.ok) {
      if (await outbox.complete(entry.dedupKey, owner, now)) this.counts.delivered += 1;
      this.options.logger?.info(
        { ...fields, status: result.status },
        `alert ${entry.alert.transition} delivered to ${sink.type}`,
      );
      return;
    }
    const retryAt = result.retryable
      ? nextAttemptAt({
          now,
          attempts,
          windowEndsAt,
          ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
          settings: this.options.backoff ?? defaultBackoff,
          random: this.options.random ?? systemRandom,
        })
      : null;
    if (retryAt === null) {
      if (await outbox.abandon(entry.dedupKey, owner, { at: now, attempts, lastError: result.error }))
        this.counts.abandoned += 1;
      const why = result.retryable ? 'retry window over' : 'refused by the receiver';
      this.options.logger?.error(
        { ...fields, error: result.error },
        `alert ${entry.alert.transition} to ${sink.type} given up (${why})`,
      );
      return;
    }
    if (await outbox.retryLater(entry.dedupKey, owner, { availableAt: retryAt, attempts, lastError: result.error }))
      this.counts.retried += 1;
    this.options.logger?.warn(
      { ...fields, error: result.error, retryInMs: retryAt - now },
      `alert ${entry.alert.transition} to ${sink.type} failed; retrying`,
    );
  }
}

function safeError(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
