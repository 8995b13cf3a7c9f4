// The `watch` section: monitor-only mode's synthetic requests (`switchyard watch`). Every deployment
// gets one small request per interval, retried sooner while it fails so an outage is confirmed in
// seconds, under a daily spend cap per deployment. Prices are USD per million tokens; without one,
// the published price of the model is used (src/watch/published-prices.ts).
import { z } from 'zod';

const usd = z.number().nonnegative();

export const tokenPriceSchema = z.object({ inputPerMillionTokens: usd, outputPerMillionTokens: usd }).strict();

const watchDeploymentSchema = z
  .object({
    intervalMs: z.number().int().min(1_000).optional(),
    spendCapUsdPerDay: usd.optional(),
    price: tokenPriceSchema.optional(),
  })
  .strict();

export const watchSchema = z
  .object({
    /** One synthetic request per deployment this often. */
    intervalMs: z.number().int().min(1_000).default(60_000),
    /** After a failed one, the next comes this soon, until the deployment recovers or is ejected. */
    confirmIntervalMs: z.number().int().min(500).default(5_000),
    /** Longest a synthetic request may take before it counts as a timeout. */
    timeoutMs: z.number().int().min(500).default(15_000),
    /** Per deployment, per UTC day: no request is sent that could take the day's spend past it. */
    spendCapUsdPerDay: usd.default(0.5),
    /** Per-deployment overrides, by deployment id. */
    deployments: z.record(z.string(), watchDeploymentSchema).default({}),
  })
  .strict()
  .default({
    intervalMs: 60_000,
    confirmIntervalMs: 5_000,
    timeoutMs: 15_000,
    spendCapUsdPerDay: 0.5,
    deployments: {},
  });

export type WatchConfig = z.infer<typeof watchSchema>;
export type TokenPrice = z.infer<typeof tokenPriceSchema>;
