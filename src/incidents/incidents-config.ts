// The `incidents:` section of switchyard.yaml: when incidents open and resolve, how long alerts are retried.
import { z } from 'zod';
import { defaultAlertRetryWindowMs, positiveMs as ms } from '../alerts/alerts-config.js';

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

export type IncidentsConfig = z.output<typeof incidentsSchema>;

/** The section as it plugs into the config schema: absent means every default. */
export const incidentsSectionSchema = incidentsSchema.prefault({});
