// An alert sink: one configured place alerts go (a webhook, a Slack channel, a PagerDuty service).
// A sink renders and sends one alert; retrying, leasing and dedup are the dispatcher's.
import type { Alert } from './alert.js';
import type { DeliveryResult } from './post-json.js';

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
