// Sends every alert to every sink, off the request path and without waiting for the store: each
// (alert × sink) is a delivery queued in this process, sent at once and retried with backoff until the
// sink's retry window is over. Replicas that see the same transition queue the same delivery (the
// incident's identity, hence the idempotency key, is the same on every replica); the first to claim it
// (delivery-claims.ts) sends it. Sends run concurrently, so a slow or dead sink delays nobody else;
// nothing here is awaited by the detector or a client request.
import type { Clock } from '../util/clock.js';
import { systemRandom, type Random } from '../util/random.js';
import { defaultAlertRetryWindowMs } from './alerts-config.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import { idempotencyKeyOf, type Alert } from './alert.js';
import { defaultBackoff, nextAttemptAt, type BackoffSettings } from './alert-backoff.js';
import type { AlertSink } from './alert-sink.js';
import { type DeliveryClaim, type DeliveryClaims, processClaims } from './delivery-claims.js';
import type { DeliveryResult } from './post-json.js';

/** The part of a pino logger the dispatcher uses. Fields never hold secrets: targets are host-only. */
export interface AlertLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AlertDispatcherOptions {
  sinks: readonly AlertSink[];
  /** Where replicas claim deliveries (default: this process only). */
  claims?: DeliveryClaims;
  clock: Clock;
  random?: Random;
  /** This replica's name on its claims. */
  owner: string;
  /** How long an alert is retried when its sink does not set its own window (default 10 min). */
  retryWindowMs?: number;
  backoff?: BackoffSettings;
  /** How often due retries are looked for (default 1 s); new alerts go at once. */
  pollIntervalMs?: number;
  logger?: AlertLogger;
}

export interface DispatcherCounts {
  enqueued: number;
  delivered: number;
  retried: number;
  abandoned: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'abandoned' | 'sent elsewhere';

/** One alert to one sink, as this replica tracks it. */
export interface Delivery {
  sinkId: string;
  alert: Alert;
  idempotencyKey: string;
  createdAt: number;
  /** The next attempt goes from this time. */
  availableAt: number;
  attempts: number;
  lastError: string | null;
  status: DeliveryStatus;
  /** Whether this replica holds the claim (asked once, before the first send). */
  claimed: boolean;
}

// Finished deliveries are kept a while (the admin view, and so a transition seen twice is sent once).
const finishedKept = 1_000;

export class AlertDispatcher {
  readonly counts: DispatcherCounts = { enqueued: 0, delivered: 0, retried: 0, abandoned: 0 };
  private readonly sinks: Map<string, AlertSink>;
  private readonly claims: DeliveryClaims;
  private readonly deliveries = new Map<string, Delivery>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private cancelPoll: (() => void) | undefined;
  /** Whether claims are failing: logged when it starts, not for every alert while it lasts. */
  private claimsFailing = false;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.sinks = new Map(options.sinks.map((sink) => [sink.id, sink]));
    this.claims = options.claims ?? processClaims();
  }

  /** Queues one delivery per sink (a no-op for one already queued here); returns how many were added. */
  async enqueue(alert: Alert): Promise<number> {
    const now = this.options.clock.now();
    const idempotencyKey = idempotencyKeyOf(alert);
    let added = 0;
    for (const sink of this.sinks.values()) {
      const key = `${idempotencyKey}|${sink.id}`;
      if (this.deliveries.has(key)) continue;
      this.deliveries.set(key, {
        sinkId: sink.id,
        alert: structuredClone(alert),
        idempotencyKey,
        createdAt: now,
        availableAt: now,
        attempts: 0,
        lastError: null,
        status: 'pending',
        claimed: false,
      });
      added += 1;
    }
    this.counts.enqueued += added;
    if (added > 0 && this.running) this.pump();
    return added;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePoll();
    this.pump();
  }

  /** Stops sending; deliveries already under way finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelPoll?.();
    await this.idle();
    await this.claims.close?.();
  }

  /** Starts every due delivery that is not under way. */
  pump(): void {
    const now = this.options.clock.now();
    for (const [key, delivery] of this.deliveries) {
      if (delivery.status !== 'pending' || delivery.availableAt > now || this.inFlight.has(key)) continue;
      const attempt = this.attempt(delivery)
        .catch((error: unknown) => {
          this.options.logger?.warn({ key: delivery.idempotencyKey, err: safeError(error) }, 'alert delivery failed');
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.forgetOldFinished();
        });
      this.inFlight.set(key, attempt);
    }
  }

  /** Resolves once no delivery is under way. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Every delivery this replica knows, oldest first (tests and the admin view). */
  list(): Delivery[] {
    return [...this.deliveries.values()].map((delivery) => structuredClone(delivery));
  }

  private schedulePoll(): void {
    this.cancelPoll = this.options.clock.schedule(this.options.pollIntervalMs ?? 1_000, () => {
      if (!this.running) return;
      this.schedulePoll();
      this.pump();
    });
  }

  private forgetOldFinished(): void {
    let finished = 0;
    for (const delivery of this.deliveries.values()) if (delivery.status !== 'pending') finished += 1;
    for (const [key, delivery] of this.deliveries) {
      if (finished <= finishedKept) return;
      if (delivery.status === 'pending') continue;
      this.deliveries.delete(key);
      finished -= 1;
    }
  }

  private claimOf(delivery: Delivery): DeliveryClaim {
    return {
      idempotencyKey: delivery.idempotencyKey,
      sink: delivery.sinkId,
      owner: this.options.owner,
      alert: delivery.alert,
      at: delivery.createdAt,
    };
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { clock } = this.options;
    const sink = this.sinks.get(delivery.sinkId);
    if (!sink) return;
    if (!delivery.claimed) {
      const won = await this.claims.claim(this.claimOf(delivery)).then(
        (answer) => {
          this.claimsFailing = false;
          return answer;
        },
        (error: unknown) => {
          // The medium is down: send anyway, under the key a receiver deduplicates on.
          if (!this.claimsFailing)
            this.options.logger?.warn(
              { key: delivery.idempotencyKey, sink: sink.id, err: safeError(error) },
              'alert claim unavailable; sending without it',
            );
          this.claimsFailing = true;
          return true;
        },
      );
      if (!won) {
        delivery.status = 'sent elsewhere';
        return;
      }
      delivery.claimed = true;
    }
    const windowEndsAt =
      delivery.createdAt + (sink.retryWindowMs ?? this.options.retryWindowMs ?? defaultAlertRetryWindowMs);
    delivery.attempts += 1;
    let result: DeliveryResult;
    try {
      result = await sink.send(delivery.alert, { idempotencyKey: delivery.idempotencyKey, now: clock.now() });
    } catch (error) {
      result = { ok: false, retryable: true, error: safeError(error) };
    }
    const now = clock.now();
    const fields = {
      sink: sink.id,
      type: sink.type,
      target: sink.target,
      key: delivery.idempotencyKey,
      attempt: delivery.attempts,
    };
    const transition = delivery.alert.transition;
    if (result.ok) {
      delivery.status = 'delivered';
      this.counts.delivered += 1;
      this.options.logger?.info({ ...fields, status: result.status }, `alert ${transition} delivered to ${sink.type}`);
      await this.claims.settle?.(this.claimOf(delivery), { status: 'sent', at: now, attempts: delivery.attempts });
      return;
    }
    delivery.lastError = result.error;
    const retryAt = result.retryable
      ? nextAttemptAt({
          now,
          attempts: delivery.attempts,
          windowEndsAt,
          ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
          settings: this.options.backoff ?? defaultBackoff,
          random: this.options.random ?? systemRandom,
        })
      : null;
    if (retryAt === null) {
      delivery.status = 'abandoned';
      this.counts.abandoned += 1;
      const why = result.retryable ? 'retry window over' : 'refused by the receiver';
      this.options.logger?.error(
        { ...fields, error: result.error },
        `alert ${transition} to ${sink.type} given up (${why})`,
      );
      await this.claims.settle?.(this.claimOf(delivery), {
        status: 'abandoned',
        at: now,
        attempts: delivery.attempts,
        error: result.error,
      });
      return;
    }
    delivery.availableAt = retryAt;
    this.counts.retried += 1;
    this.options.logger?.warn(
      { ...fields, error: result.error, retryInMs: retryAt - now },
      `alert ${transition} to ${sink.type} failed; retrying`,
    );
  }
}

function safeError(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
