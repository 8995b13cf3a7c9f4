// The `statusPages:` section of switchyard.yaml: provider status pages (Atlassian Statuspage v2) to
// poll as a second opinion, each mapping its component ids to the deployments or failure domains they
// cover. The keys name, url and components are fixed (checks outside the code base write them):
//
//   statusPages:
//     - name: anthropic
//       url: https://status.claude.com        # the page's base; /api/v2/summary.json is appended
//       components: { "<component id>": [claude-direct, claude-bedrock] }
//       intervalMs: 60000                      # optional; status pages lag, polling faster buys little
//       timeoutMs: 10000                       # optional
import { z } from 'zod';

export const defaultStatusPageIntervalMs = 60_000;
export const defaultStatusPageTimeoutMs = 10_000;
export const summaryPath = '/api/v2/summary.json';

const httpUrl = z.string().refine((value) => {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/** One name or a list: `{ abc123: claude-direct }` reads as `{ abc123: [claude-direct] }`. */
const targetsSchema = z.union([
  z
    .string()
    .min(1)
    .transform((target) => [target]),
  z.array(z.string().min(1)).min(1, 'map the component to at least one deployment or domain'),
]);

export const statusPageConfigSchema = z
  .object({
    /** Names the page in acknowledgements, incident timelines and logs. */
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'),
    url: httpUrl,
    /** Statuspage component id → deployment ids or failure domain names. Ids, because names change. */
    components: z.record(z.string().min(1), targetsSchema),
    /** Lower it only for tests and demos (minimum 1 s). */
    intervalMs: z.number().int().min(1_000).default(defaultStatusPageIntervalMs),
    timeoutMs: z.number().int().positive().default(defaultStatusPageTimeoutMs),
  })
  .strict();

export const statusPagesSchema = z
  .array(statusPageConfigSchema)
  .default([])
  .superRefine((pages, context) => {
    const seen = new Set<string>();
    pages.forEach((page, index) => {
      if (seen.has(page.name))
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `status page "${page.name}" is configured twice`,
        });
      seen.add(page.name);
    });
  });

export type StatusPageConfig = z.output<typeof statusPageConfigSchema>;
export type StatusPagesConfig = z.output<typeof statusPagesSchema>;

/** The summary document's URL: the base URL with /api/v2/summary.json appended (kept when already there). */
export function summaryUrlOf(config: Pick<StatusPageConfig, 'url'>): string {
  const base = config.url.replace(/\/+$/, '');
  return base.endsWith(summaryPath) ? base : `${base}${summaryPath}`;
}
