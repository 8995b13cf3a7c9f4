// The `auth` section: who may call the gateway (gateway keys, or nobody checked) and the admin token.
// Keys may also be declared here from environment variables, for stateless deployments with no store.
import { z } from 'zod';

export const keyPriorities = ['high', 'normal', 'low'] as const;
export type KeyPriority = (typeof keyPriorities)[number];

/** What a key may do; shared by keys declared in config and keys created with `switchyard keys create`. */
export const keyLimitsSchema = z
  .object({
    /** Route names (or aliases) the key may use; omitted: every route. */
    routes: z.array(z.string().min(1)).min(1).optional(),
    /** Requests per minute. */
    rpm: z.number().int().positive().optional(),
    /** Input plus output tokens per minute. */
    tpm: z.number().int().positive().optional(),
    /** Requests in flight at once. */
    concurrency: z.number().int().positive().optional(),
    /** `low` is shed first when a fallback deployment runs short of capacity. */
    priority: z.enum(keyPriorities).default('normal'),
  })
  .strict();

export const configuredKeySchema = keyLimitsSchema
  .extend({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'),
    /** The key itself, normally `${TEAM_KEY}`; at least 32 characters so it cannot be guessed. */
    key: z.string().min(32, 'a gateway key needs at least 32 characters'),
  })
  .strict();

export const authSchema = z
  .object({
    /** `keys`: every client request needs a gateway key; `none`: open (must be written out off loopback). */
    clients: z.enum(['keys', 'none']),
    /** Needed for /admin/*, /dashboard and /metrics; at least 32 characters. */
    adminToken: z.string().min(32, 'the admin token needs at least 32 characters').optional(),
    keys: z.array(configuredKeySchema).default([]),
    /** How often keys created or revoked in the store are picked up (default 500 ms: within a second). */
    refreshMs: z.number().int().positive().default(500),
    /** Host header values accepted besides loopback names and the listening address. */
    allowedHosts: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type AuthConfig = z.infer<typeof authSchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
