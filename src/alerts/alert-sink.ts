// An alert sink: one configured place alerts go (a webhook, a Slack channel, a PagerDuty service).
// A sink renders and sends one alert; retrying, leasing and dedup are the dispatcher's.
import type { Dispatcher } from 'undici';
import { redactUrl } from '../util/scrub-secrets.js';
import type { Alert } from './alert.js';
import { defaultAlertTimeoutMs } from './alerts-config.js';
import { type DeliveryResult, postJson } from './post-json.js';

export interface AlertDelivery {
  /** `<incident id>:<transition>:<n>`, the same on every attempt and every replica. */
  idempotencyKey: string;
  /** Send time (ms), from the injected clock. */
  now: number;
}

export interface AlertSink {
  /** Stable identity (config name, or position and type): part of the outbox dedup key. */
  readonly id: string;
  readonly type: 'webhook' | 'slack' | 'pagerduty';
  /** Where it sends, fit for logs (host only). */
  readonly target: string;
  /** How long a failing alert is retried; undefined: the dispatcher's default. */
  readonly retryWindowMs?: number;
  send(alert: Alert, delivery: AlertDelivery): Promise<DeliveryResult>;
}

/** What every configured sink has: where it posts, and how long it waits and retries. */
export interface PostingSinkConfig {
  url: string;
  timeoutMs?: number;
  retryWindowMs?: number;
}

/** A sink that POSTs one JSON document per delivery; each kind says only what it sends. */
export abstract class JsonPostSink<Config extends PostingSinkConfig> implements AlertSink {
  abstract readonly type: AlertSink['type'];
  readonly target: string;
  readonly retryWindowMs?: number;

  constructor(
    readonly id: string,
    protected readonly config: Config,
    private readonly dispatcher?: Dispatcher,
  ) {
    this.target = redactUrl(config.url);
    this.retryWindowMs = config.retryWindowMs;
  }

  /** The raw JSON body and the headers beside it. */
  protected abstract render(alert: Alert, delivery: AlertDelivery): { body: string; headers?: Record<string, string> };

  send(alert: Alert, delivery: AlertDelivery): Promise<DeliveryResult> {
    const { body, headers } = this.render(alert, delivery);
    return postJson(this.config.url, body, headers ?? {}, {
      timeoutMs: this.config.timeoutMs ?? defaultAlertTimeoutMs,
      now: delivery.now,
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
    });
  }
}
