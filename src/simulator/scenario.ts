// Scenario files: a scripted outage for the simulator, in YAML or JSON. The simulator applies
// `upstreams` and `faults` at start, then each timeline entry at its offset from the start,
// waiting on the injected clock. Example:
//
//   name: claude-family-outage
//   upstreams:
//     claude-a: { labels: [anthropic-model-layer], timeToFirstTokenMs: 300, tokensPerSecond: 60 }
//     claude-b: { labels: [anthropic-model-layer, aws-us-east-1] }
//   faults:                                  # active from the start
//     - { target: "gpt-*", kind: latency, ms: 200 }
//   timeline:
//     - at: 10s                              # a number is milliseconds; strings take ms, s or m
//       faults:
//         - { id: claude-down, target: "label:anthropic-model-layer", kind: error, status: 529 }
//     - at: 40s
//       removeFaults: [claude-down]
//     - at: 45s
//       upstreams: { claude-a: { tokensPerSecond: 5 } }
//     - at: 60s
//       clearFaults: true
//   statusPages:                             # simulated provider status pages (also allowed in timeline entries)
//     anthropic:
//       lagMs: 120000
//       components:
//         claude-api: { name: Claude API, targets: ["label:anthropic-model-layer"] }
//
// Faults take the same fields as POST /_sim/faults, status pages those of POST /_sim/status-pages/<page>
// (see control-api.ts).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Clock } from '../util/clock.js';
import { describeIssues, faultSpecSchema } from './fault-spec.js';
import type { FaultRegistry } from './fault-registry.js';
import type { StatusPageRegistry } from './status-page.js';
import { statusPageNameSchema, statusPageSettingsSchema } from './status-page-spec.js';
import { upstreamSettingsSchema, type UpstreamRegistry } from './upstream-registry.js';

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/;

/** A timeline offset: milliseconds as a number, or a string such as "500ms", "10s", "2m". */
const offsetSchema = z.union([
  z.number().min(0),
  z
    .string()
    .regex(durationPattern, 'use a number of milliseconds or a duration such as "500ms", "10s", "2m"')
    .transform((text) => {
      const [, amount, unit] = durationPattern.exec(text)!;
      return Number.parseFloat(amount!) * (unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
    }),
]);

const upstreamsSchema = z.record(z.string().min(1), upstreamSettingsSchema);
const statusPagesSchema = z.record(statusPageNameSchema, statusPageSettingsSchema);

const timelineEntrySchema = z
  .object({
    at: offsetSchema,
    faults: z.array(faultSpecSchema).optional(),
    removeFaults: z.array(z.string().min(1)).optional(),
    clearFaults: z.boolean().optional(),
    upstreams: upstreamsSchema.optional(),
    statusPages: statusPagesSchema.optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    upstreams: upstreamsSchema.optional(),
    faults: z.array(faultSpecSchema).optional(),
    statusPages: statusPagesSchema.optional(),
    timeline: z.array(timelineEntrySchema).optional(),
  })
  .strict();

/** Offsets (`at`) are in milliseconds once parsed. */
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioTimelineEntry = z.output<typeof timelineEntrySchema>;

export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scenario:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

/** Validates an already-parsed scenario document. */
export function parseScenario(document: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(document ?? {});
  if (!parsed.success) throw new ScenarioError(describeIssues(parsed.error.issues));
  return parsed.data;
}

/** Reads a scenario file (JSON when it ends in .json, YAML otherwise); throws ScenarioError. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError([`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let document: unknown;
  try {
    document = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ScenarioError([`${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseScenario(document);
}

export interface ScenarioTargets {
  faults: FaultRegistry;
  upstreams: UpstreamRegistry;
  /** Absent: a scenario's statusPages are ignored. */
  statusPages?: StatusPageRegistry;
}

function applyEntry(entry: Omit<ScenarioTimelineEntry, 'at'>, targets: ScenarioTargets): void {
  if (entry.clearFaults) targets.faults.clear();
  for (const id of entry.removeFaults ?? []) targets.faults.remove(id);
  for (const [name, settings] of Object.entries(entry.upstreams ?? {})) targets.upstreams.configure(name, settings);
  for (const [name, settings] of Object.entries(entry.statusPages ?? {}))
    targets.statusPages?.configure(name, settings);
  for (const fault of entry.faults ?? []) targets.faults.add(fault);
}

/** Applies what holds from the start: upstream settings and initial faults. */
export function applyScenarioStart(scenario: Scenario, targets: ScenarioTargets): void {
  applyEntry({ upstreams: scenario.upstreams, statusPages: scenario.statusPages, faults: scenario.faults }, targets);
}

/**
 * Applies the timeline entries at their offsets from `startedAt`, sleeping on the clock in
 * between. Entries due at once are applied without sleeping. Resolves when the timeline is done
 * or the signal aborts (the simulator closed).
 */
export async function runScenarioTimeline(
  scenario: Scenario,
  targets: ScenarioTargets,
  clock: Clock,
  startedAt: number,
  signal: AbortSignal,
): Promise<void> {
  const entries = [...(scenario.timeline ?? [])].sort((a, b) => a.at - b.at);
  for (const entry of entries) {
    const wait = startedAt + entry.at - clock.now();
    if (wait > 0) {
      try {
        await clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
    if (signal.aborted) return;
    applyEntry(entry, targets);
  }
}
