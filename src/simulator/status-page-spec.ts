// The settings of one simulated provider status page, shared by the control API
// (POST /_sim/status-pages/<page>) and scenario files (`statusPages:`), checked with zod so a typo
// fails loudly instead of serving a page that never changes.
import { z } from 'zod';

/** A real provider's page trails the incident by minutes; two minutes is what motivated Switchyard. */
export const defaultStatusPageLagMs = 120_000;

/** How the page answers: its JSON, or one of the ways real status pages fail a poller. */
export const statusPageServeModes = ['json', 'html', 'malformed', 'not-found', 'error'] as const;
export type StatusPageServeMode = (typeof statusPageServeModes)[number];

export const statusPageComponentSchema = z
  .object({
    name: z.string().min(1),
    /** Upstream names, globs or `label:<label>`: the same language as fault targets. */
    targets: z.array(z.string().min(1)).min(1, 'a component needs at least one target'),
    description: z.string().optional(),
  })
  .strict();

export const statusPageSettingsSchema = z
  .object({
    /** Component id → component. Replaces the page's components when given (order = position). */
    components: z.record(z.string().min(1), statusPageComponentSchema).optional(),
    /** How long a fault must last before the page shows it, and how long the page trails its removal. */
    lagMs: z.number().min(0).optional(),
    /** Shown as page.name (default: the page's name). */
    title: z.string().min(1).optional(),
    serve: z.enum(statusPageServeModes).optional(),
  })
  .strict();

export type StatusPageComponentSpec = z.infer<typeof statusPageComponentSchema>;
export type StatusPageSettings = z.infer<typeof statusPageSettingsSchema>;

/** Page names appear in URLs (/status/<page>/...). */
export const statusPageNameSchema = z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"');
