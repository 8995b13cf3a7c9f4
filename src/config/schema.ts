// The shape of switchyard.yaml, validated with zod. Cross-references (routes naming deployments)
// are checked in validate-references.ts so that messages can name the exact path.
import { z } from 'zod';
import { deploymentHealthSchema, healthSchema } from './health-schema.js';
import { authSchema } from './auth-schema.js';
import { alertsSchema } from '../alerts/alerts-config.js';
import { incidentsSectionSchema } from '../incidents/incidents-config.js';
import { statusPagesSchema } from '../status-pages/status-page-config.js';
import { watchSchema } from './watch-schema.js';

export const providerKinds = [
  'anthropic',
  'openai',
  'azure',
  'openai-compatible',
  'bedrock',
  'vertex',
  'gemini',
] as const;
export type ProviderKind = (typeof providerKinds)[number];

export const defaultBaseUrls: Record<ProviderKind, string | undefined> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  azure: undefined,
  'openai-compatible': undefined,
  // Region- and project-specific hosts are derived by the adapters when baseUrl is not set.
  bedrock: '',
  vertex: '',
  gemini: 'https://generativelanguage.googleapis.com',
};

const positiveMs = z.number().int().positive();

export const deploymentSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits, ".", "_", ":" or "-"'),
    provider: z.enum(providerKinds),
    model: z.string().min(1),
    baseUrl: z.string().url().optional(),
    apiKey: z.string().optional(),
    /** Azure: the dated api-version; omit for the v1 API. */
    apiVersion: z.string().optional(),
    /** Bedrock and Vertex: the cloud region (us-east-1, us-east5, global…). */
    region: z.string().min(1).optional(),
    /** Vertex: the Google Cloud project id. */
    project: z.string().min(1).optional(),
    /** Bedrock: InvokeModel with the Anthropic body (default for Claude models) or Converse (any model). */
    api: z.enum(['invoke', 'converse']).optional(),
    /** Vertex: a service-account JSON file; default: application default credentials. */
    credentialsFile: z.string().min(1).optional(),
    /** Bedrock: a named profile from the shared AWS config; default: the standard credential chain. */
    awsProfile: z.string().min(1).optional(),
    domains: z.array(z.string().min(1)).default([]),
    /** The model's context window, used to decide whether a context-length error may fail over here. */
    contextWindow: z.number().int().positive().optional(),
    /** The model's output-token limit: a translated request's max_tokens is clamped to it (default: well-known models). */
    maxOutputTokens: z.number().int().positive().optional(),
    /**
     * What the model can do beyond text and tools (default: by provider and well-known model). A request
     * that needs one prefers deployments that have it (docs: "Bridging").
     */
    capabilities: z
      .object({
        /** Reasoning parameters (reasoning_effort, thinking) are sent only when true. */
        reasoning: z.boolean().optional(),
        /** Anthropic's server-side web search tool. */
        webSearch: z.boolean().optional(),
        /** PDF documents as input. */
        pdf: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Share of first picks under the route's `weighted` strategy; 0 = only after every positive weight. */
    weight: z.number().min(0).default(1),
    /** Extra headers sent upstream (never the client's). */
    headers: z.record(z.string(), z.string()).default({}),
    timeouts: z.object({ requestMs: positiveMs, connectMs: positiveMs, firstTokenMs: positiveMs }).partial().optional(),
    /**
     * The deployment continues an assistant prefill (the last message is the assistant's own, and the
     * answer carries on from it): only such deployments take over a broken stream (route continuation).
     */
    prefill: z.boolean().default(false),
    /** Health thresholds for this deployment (over health.defaults), and whether it is actively probed. */
    health: deploymentHealthSchema.optional(),
  })
  .strict();

export const routeSchema = z
  .object({
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)).default([]),
    deployments: z.array(z.string().min(1)).min(1),
    strategy: z.enum(['priority', 'weighted', 'latency']).default('priority'),
    /**
     * Hedged requests: `auto` starts a second attempt outside the first one's failure domains once the
     * first has waited past its deployment's learned p95 time to first token; `{ afterMs }` after a fixed
     * delay. Bounded by hedging.budget.
     */
    hedge: z.union([z.enum(['off', 'auto']), z.object({ afterMs: positiveMs }).strict()]).default('off'),
    /** `on`: a stream that breaks after content is continued on another deployment that supports prefill. */
    continuation: z.enum(['on', 'off']).default('off'),
    /**
     * `adaptive`: an attempt's first-token limit is min(firstTokenMs, max(factor × the deployment's
     * learned p99, floor)), hedged or not; `fixed` always waits firstTokenMs (routes of long-thinking work).
     */
    firstTokenLimit: z.enum(['adaptive', 'fixed']).default('adaptive'),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(7300),
        /** Largest request body accepted, in bytes (Anthropic allows 32 MB). */
        bodyLimitBytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024),
        /**
         * Request-body bytes held at once across every request (a body stays in memory for its whole
         * request); a request that would pass it is refused with 503 before its body is read. At least
         * bodyLimitBytes.
         */
        bodyMemoryBytes: z
          .number()
          .int()
          .positive()
          .default(256 * 1024 * 1024),
        /** Idle SSE streams get a `ping` this often. */
        pingIntervalMs: positiveMs.default(10_000),
        /** Requests in flight across every client; beyond it the gateway answers 503 (never counted upstream). */
        maxConcurrentRequests: z.number().int().positive().default(1_024),
        /** On SIGTERM, streams in flight get this long to finish before they are ended with an error event. */
        drainMs: z.number().int().min(0).default(10_000),
        /** A client must send its headers within this long (slow-loris connections are closed with 408). */
        headersTimeoutMs: positiveMs.default(15_000),
        /** …and its whole request, body included (a trickling upload is closed with 408). */
        requestTimeoutMs: positiveMs.default(60_000),
        /**
         * The admin surface (/admin/*, /dashboard, /metrics) on its own port, e.g. on a private interface;
         * the client port then answers 404 for it. Omitted: served on `port`.
         */
        adminPort: z.number().int().min(0).max(65535).optional(),
        /** The address the admin port binds (default: `host`). */
        adminHost: z.string().min(1).optional(),
      })
      .strict()
      .default({
        host: '127.0.0.1',
        port: 7300,
        bodyLimitBytes: 32 * 1024 * 1024,
        bodyMemoryBytes: 256 * 1024 * 1024,
        pingIntervalMs: 10_000,
        maxConcurrentRequests: 1_024,
        drainMs: 10_000,
        headersTimeoutMs: 15_000,
        requestTimeoutMs: 60_000,
      }),
    /** Gateway keys and the admin token; without it the gateway runs open, which only loopback allows. */
    auth: authSchema.optional(),
    deployments: z.array(deploymentSchema).min(1),
    routes: z.array(routeSchema).default([]),
    timeouts: z
      .object({
        requestMs: positiveMs.default(120_000),
        connectMs: positiveMs.default(5_000),
        firstTokenMs: positiveMs.default(30_000),
        /** Adaptive first-token limit: factor × the deployment's learned p99 time to first token… */
        firstTokenFactor: z.number().positive().default(5),
        /** …never under this floor. */
        firstTokenFloorMs: positiveMs.default(5_000),
        /** Continuation routes: a committed stream silent for max(10 × its largest gap so far, this) has stalled. */
        stallFloorMs: positiveMs.default(5_000),
      })
      .strict()
      .default({
        requestMs: 120_000,
        connectMs: 5_000,
        firstTokenMs: 30_000,
        firstTokenFactor: 5,
        firstTokenFloorMs: 5_000,
        stallFloorMs: 5_000,
      }),
    /** How the gateway holds its connections to upstreams. */
    upstreamConnections: z
      .object({
        /**
         * Connections per upstream origin. Unset: no cap — on HTTP/1.1 a connection carries one request,
         * so a cap queues long streams behind each other (the wait is the gateway's, see
         * switchyard_upstream_connection_wait_seconds). Set it only for an upstream that limits them.
         */
        perOrigin: z.number().int().positive().optional(),
        /** Offer HTTP/2 (TLS ALPN) to upstreams; one that accepts carries many requests on one connection. */
        http2: z.boolean().default(true),
        /** Requests one HTTP/2 connection carries at once (the upstream's own SETTINGS may lower it). */
        streamsPerConnection: z.number().int().positive().default(100),
      })
      .strict()
      .default({ http2: true, streamsPerConnection: 100 }),
    hedging: z
      .object({
        /** Hedges may add at most this share of extra upstream requests… */
        budget: z.number().min(0).max(1).default(0.05),
        /** …over this sliding window. */
        budgetWindowMs: positiveMs.default(10_000),
        /** No hedge sooner than this after the first attempt started. */
        minimumDelayMs: positiveMs.default(50),
      })
      .strict()
      .default({ budget: 0.05, budgetWindowMs: 10_000, minimumDelayMs: 50 }),
    retry: z
      .object({
        maxAttemptsPerDeployment: z.number().int().min(1).max(10).default(2),
        baseDelayMs: z.number().int().min(0).default(200),
        maxDelayMs: z.number().int().min(0).default(5_000),
      })
      .strict()
      .default({ maxAttemptsPerDeployment: 2, baseDelayMs: 200, maxDelayMs: 5_000 }),
    health: healthSchema.default({
      enabled: true,
      defaults: {},
      domainThreshold: 2,
      probes: { enabled: true, intervalMs: 1_000, timeoutMs: 10_000 },
    }),
    /**
     * Incident and availability history: a SQLite file (the embedded default) or PostgreSQL, which
     * several replicas share; `false` keeps nothing (tests, throwaway runs).
     */
    store: z
      .union([
        z.object({ path: z.string().min(1), retentionDays: z.number().int().positive().default(30) }).strict(),
        z
          .object({
            url: z.string().regex(/^postgres(ql)?:\/\//, 'use a postgres:// URL'),
            retentionDays: z.number().int().positive().default(30),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ path: './switchyard.db', retentionDays: 30 }),
    alerts: alertsSchema,
    incidents: incidentsSectionSchema,
    statusPages: statusPagesSchema,
    /** Monitor-only mode (`switchyard watch`): synthetic requests per deployment. */
    watch: watchSchema,
    /**
     * Priority shedding: while a route fails over and the deployment serving it is near its provider's
     * rate limit, requests from `priority: low` gateway keys get a 429 so interactive traffic keeps the quota.
     */
    priority: z
      .object({
        /** "Near the limit": the rate-limit headers' remaining share (remaining / limit) is under this… */
        shedBelowRemainingShare: z.number().min(0).max(1).default(0.25),
        /** …or the deployment answered 429 within this long (or its retry-after, if longer). */
        rateLimitedHoldMs: positiveMs.default(30_000),
        /** A remaining share without a reset time counts for this long. */
        observationTtlMs: positiveMs.default(60_000),
        /** A deployment that answered failed-over requests counts as serving failover traffic this long. */
        failoverWindowMs: positiveMs.default(30_000),
      })
      .strict()
      .default({
        shedBelowRemainingShare: 0.25,
        rateLimitedHoldMs: 30_000,
        observationTtlMs: 60_000,
        failoverWindowMs: 30_000,
      }),
    admin: z
      .object({
        /** Serve /admin/* and /metrics (on the gateway's port). */
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type SwitchyardConfig = z.infer<typeof configSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type TimeoutsConfig = SwitchyardConfig['timeouts'];
export type RetryConfig = SwitchyardConfig['retry'];
