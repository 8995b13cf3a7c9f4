// The `health:` section of switchyard.yaml and the per-deployment `health:` overrides. Every key is
// optional; health-settings.ts holds the defaults (and explains each threshold).
import { z } from 'zod';

const ms = z.number().int().positive();
const rate = z.number().min(0).max(1);

export const healthSettingsSchema = z
  .object({
    windowMs: ms,
    bucketMs: ms,
    consecutiveFailures: z.number().int().positive(),
    maximumConsecutiveFailures: z.number().int().positive(),
    consecutiveFailureSurprise: z.number().positive().max(1),
    ejectionFailureRate: rate,
    ejectionMinimumRequests: z.number().int().positive(),
    degradedFailureRate: rate,
    degradedMinimumRequests: z.number().int().positive(),
    latencyP95ThresholdMs: ms,
    timeToFirstTokenP95ThresholdMs: ms,
    suspectFactor: z.number().positive(),
    suspectFloorMs: ms,
    suspectCrowd: z.number().int().positive(),
    suspectCrowdFloorMs: ms,
    suspectLostRaces: z.number().int().positive(),
    lostRaceFloorMs: ms,
    hardFailureRun: z.number().int().positive(),
    baseEjectionMs: ms,
    maxEjectionMs: ms,
    ejectionDecayMs: ms,
    probeTrials: z.number().int().positive(),
    probeTrialTimeoutMs: ms,
    rateLimitCoolDownAfter: z.number().int().positive(),
    rateLimitCoolDownMs: ms,
    maxCoolDownMs: ms,
  })
  .partial()
  .strict();

export const deploymentHealthSchema = healthSettingsSchema.extend({ probe: z.boolean().optional() }).strict();

export const healthSchema = z
  .object({
    /** Off: every deployment is always admitted (the behaviour of a plain ordered failover). */
    enabled: z.boolean().default(true),
    /** Thresholds every deployment starts from. */
    defaults: healthSettingsSchema.default({}),
    /** Failing members that degrade a failure domain (default 2, or all of them when fewer). */
    domainThreshold: z.number().int().positive().default(2),
    probes: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: ms.default(1_000),
        timeoutMs: ms.default(10_000),
      })
      .strict()
      .default({ enabled: true, intervalMs: 1_000, timeoutMs: 10_000 }),
    shared: z
      .object({
        redisUrl: z.string().min(1),
        publishIntervalMs: ms.default(250),
        keyPrefix: z.string().min(1).default('switchyard:health'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type HealthConfig = z.infer<typeof healthSchema>;
