// Generic webhook: the alert as JSON, signed so the receiver can tell it came from us.
//   x-switchyard-signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the configured secret>
//   x-switchyard-timestamp: send time, Unix seconds
//   idempotency-key:        <incident id>:<transition>:<n>, the same on every retry and every replica
import { createHmac } from 'node:crypto';
import type { WebhookSinkConfig } from './alerts-config.js';
import type { Alert } from './alert.js';
import { type AlertDelivery, JsonPostSink } from './alert-sink.js';

export interface WebhookBody {
  source: 'switchyard';
  transition: Alert['transition'];
  sequence: number;
  /** When the transition happened (ms since the epoch). */
  at: number;
  idempotencyKey: string;
  incident: Alert['incident'];
}

export function signBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

export function webhookBodyOf(alert: Alert, idempotencyKey: string): WebhookBody {
  return {
    source: 'switchyard',
    transition: alert.transition,
    sequence: alert.sequence,
    at: alert.at,
    idempotencyKey,
    incident: alert.incident,
  };
}

export class WebhookSink extends JsonPostSink<WebhookSinkConfig> {
  readonly type = 'webhook';

  protected render(alert: Alert, delivery: AlertDelivery) {
    const body = JSON.stringify(webhookBodyOf(alert, delivery.idempotencyKey));
    const headers = {
      'x-switchyard-signature': signBody(body, this.config.secret),
      'x-switchyard-timestamp': String(Math.floor(delivery.now / 1000)),
      'idempotency-key': delivery.idempotencyKey,
    };
    return { body, headers };
  }
}
