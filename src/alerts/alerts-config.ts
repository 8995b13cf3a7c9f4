// The `alerts:` section of switchyard.yaml. The sink keys (type, url, secret, routingKey) are fixed:
// checks outside the code base write them. Secrets arrive through ${ENV} interpolation; they are
// validated here but never echoed in messages.
import { z } from 'zod';

export const positiveMs = z.number().int().positive();

export const defaultPagerDutyUrl = 'https://events.pagerduty.com/v2/enqueue';
export const defaultAlertRetryWindowMs = 10 * 60_000;
export const defaultAlertTimeoutMs = 10_000;

// Keys every sink may add: a name (stable sink identity across replicas; default: its position and
// type), its own retry window and request timeout.
const commonSinkKeys = {
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"')
    .optional(),
  retryWindowMs: positiveMs.optional(),
  timeoutMs: positiveMs.optional(),
};

// z.url() would put the URL (a secret for Slack) into its message; say what is wrong without it.
const httpUrl = z.string().refine((value) => {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

export const webhookSinkSchema = z
  .object({
    type: z.literal('webhook'),
    url: httpUrl,
    secret: z.string().min(1, 'must not be empty'),
    ...commonSinkKeys,
  })
  .strict();

export const slackSinkSchema = z.object({ type: z.literal('slack'), url: httpUrl, ...commonSinkKeys }).strict();

export const pagerDutySinkSchema = z
  .object({
    type: z.literal('pagerduty'),
    routingKey: z.string().min(1, 'must not be empty'),
    url: httpUrl.default(defaultPagerDutyUrl),
    ...commonSinkKeys,
  })
  .strict();

export const alertSinkSchema = z.discriminatedUnion('type', [webhookSinkSchema, slackSinkSchema, pagerDutySinkSchema]);

export const alertsSchema = z.array(alertSinkSchema).default([]);

export type WebhookSinkConfig = z.output<typeof webhookSinkSchema>;
export type SlackSinkConfig = z.output<typeof slackSinkSchema>;
export type PagerDutySinkConfig = z.output<typeof pagerDutySinkSchema>;
export type AlertSinkConfig = z.output<typeof alertSinkSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;

/** The sink's identity in the outbox: the same on every replica that shares the configuration. */
export function sinkIdOf(config: AlertSinkConfig, index: number): string {
  return config.name ?? `${index}-${config.type}`;
}
