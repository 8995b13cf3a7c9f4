// The `alerts:` and `incidents:` sections of switchyard.yaml. The sink keys (type, url, secret,
// routingKey) are fixed: checks outside the code base write them. Secrets arrive through ${ENV}
// interpolation; they are validated here but never echoed in messages.
import { z } from 'zod';

const ms = z.number().int().positive();

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
  retryWindowMs: ms.optional(),
  timeoutMs: ms.optional(),
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

export const incidentsSchema = z
  .object({
    /** How long a deployment may be degraded before an incident opens (an ejection opens one at once). */
    gracePeriodMs: ms.default(30_000),
    /** How long a scope must be healthy before its incident resolves; a relapse within it continues the incident. */
    resolvePeriodMs: ms.default(60_000),
    /** Failing deployments of one provider that group their incidents under a provider incident. */
    providerGroupThreshold: z.number().int().min(2).default(2),
    /** How long an alert is retried before it is given up (per sink unless it sets its own). */
    alertRetryWindowMs: ms.default(defaultAlertRetryWindowMs),
  })
  .strict();

export type WebhookSinkConfig = z.output<typeof webhookSinkSchema>;
export type SlackSinkConfig = z.output<typeof slackSinkSchema>;
export type PagerDutySinkConfig = z.output<typeof pagerDutySinkSchema>;
export type AlertSinkConfig = z.output<typeof alertSinkSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type IncidentsConfig = z.output<typeof incidentsSchema>;

/** The sink's identity in the outbox: the same on every replica that shares the configuration. */
export function sinkIdOf(config: AlertSinkConfig, index: number): string {
  return config.name ?? `${index}-${config.type}`;
}

/** The section as it plugs into the config schema: absent means every default. */
export const incidentsSectionSchema = incidentsSchema.prefault({});
