// The shape of one injected fault, shared by the control API (POST /_sim/faults) and scenario
// files, checked with zod so a typo in a scenario fails loudly instead of injecting nothing.
import { z } from 'zod';

export const faultKinds = [
  'error',
  'latency',
  'hang',
  'cut',
  'stall',
  'malformed',
  'malformed-event',
  'reset',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** A cut stream sends this many events (SSE or event-stream messages) before the socket is destroyed, unless told otherwise. */
export const defaultCutAfterEvents = 3;

/** A malformed-event fault garbles one event after this many, unless told otherwise. */
export const defaultGarbledAfterEvents = 2;

export const faultSpecSchema = z
  .object({
    /** Optional: scenario files name faults so a later timeline entry can remove them. */
    id: z.string().min(1).max(100).optional(),
    /** An upstream name, a glob over names (`claude-*`), or `label:<label>` (also a glob). */
    target: z
      .string()
      .min(1)
      .refine((target) => target !== 'label:', 'a label target needs a label after "label:"'),
    kind: z.enum(faultKinds),
    /** error: the HTTP status to answer with. */
    status: z.number().int().min(400).max(599).optional(),
    /** error: the retry-after the answer carries (429s get 1 s by default). */
    retryAfterSeconds: z.number().min(0).optional(),
    /** error: replaces the provider's usual message. */
    message: z.string().optional(),
    /** latency: milliseconds added before the answer. */
    ms: z.number().min(0).optional(),
    /** cut: stream events sent before the socket is destroyed; stall: before the stream goes silent. error: on a stream, answer 200, send this many
     * events, then the provider's in-band error event (mid-stream failure) instead of an HTTP error status. */
    afterEvents: z.number().int().min(0).optional(),
    /**
     * error on a stream: the in-band error frame leaves in two writes, cut right after the first occurrence
     * of this text, the way a network may split a frame across TCP segments (the reader must join them).
     */
    splitAfter: z.string().min(1).optional(),
    /** Chance per request, drawn from the simulator's seeded random. */
    probability: z.number().min(0).max(1).optional(),
    /** The fault removes itself this long after it was added (clock time). */
    durationMs: z.number().positive().optional(),
  })
  .strict()
  .superRefine((spec, context) => {
    if (spec.kind === 'error' && spec.status === undefined) {
      context.addIssue({ code: 'custom', path: ['status'], message: 'an error fault needs a status' });
    }
    if (spec.kind === 'latency' && spec.ms === undefined) {
      context.addIssue({ code: 'custom', path: ['ms'], message: 'a latency fault needs ms' });
    }
  });

export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** An active fault as listed by GET /_sim/faults. */
export interface Fault extends FaultSpec {
  id: string;
  probability: number;
  /** Clock time it was added. */
  createdAt: number;
  /** Clock time it removes itself, when it has a duration. */
  expiresAt?: number;
}

export class FaultSpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid fault: ${problems.join('; ')}`);
    this.name = 'FaultSpecError';
  }
}

export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
  );
}

export function parseFaultSpec(value: unknown): FaultSpec {
  const parsed = faultSpecSchema.safeParse(value);
  if (!parsed.success) throw new FaultSpecError(describeIssues(parsed.error.issues));
  return parsed.data;
}
