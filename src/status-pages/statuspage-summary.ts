// Reads an Atlassian Statuspage v2 summary.json (docs/protocols/statuspage.md §7) defensively: pages move, answer HTML
// (a maintenance or login page), cut their JSON short, or drop fields. Only what the poller uses is
// required (a components list with ids and statuses); entries it cannot read are skipped, not fatal.
import { z } from 'zod';

export interface StatuspageComponent {
  id: string;
  name: string;
  /** operational | degraded_performance | partial_outage | major_outage | under_maintenance (others kept as sent). */
  status: string;
}

export interface StatuspageIncident {
  id: string;
  name: string;
  status: string;
  impact: string | null;
  /** Epoch ms, or null when absent or unreadable. */
  createdAt: number | null;
  componentIds: string[];
}

export interface StatuspageSummary {
  indicator: string | null;
  description: string | null;
  components: StatuspageComponent[];
  /** The unresolved incidents the summary lists. */
  incidents: StatuspageIncident[];
}

export type SummaryParse = { ok: true; summary: StatuspageSummary } | { ok: false; error: string };

/** Incident statuses after which the provider no longer considers it ongoing. */
export const finishedIncidentStatuses: ReadonlySet<string> = new Set(['resolved', 'postmortem', 'completed']);

const componentSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().min(1),
});
const incidentSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().optional(),
  impact: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  components: z.array(z.unknown()).nullable().optional(),
});
const summarySchema = z.looseObject({
  status: z.looseObject({ indicator: z.string().optional(), description: z.string().optional() }).nullable().optional(),
  components: z.array(z.unknown()),
  incidents: z.array(z.unknown()).nullable().optional(),
});

function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function readIncident(value: unknown): StatuspageIncident | undefined {
  const parsed = incidentSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const incident = parsed.data;
  const componentIds: string[] = [];
  for (const component of incident.components ?? []) {
    const id = componentSchema.pick({ id: true }).safeParse(component);
    if (id.success) componentIds.push(id.data.id);
  }
  return {
    id: incident.id,
    name: incident.name ?? incident.id,
    status: incident.status ?? 'investigating',
    impact: incident.impact ?? null,
    createdAt: parseTime(incident.created_at),
    componentIds,
  };
}

/** Parses a summary.json body; `contentType` helps name what came back when it is not JSON. */
export function parseStatuspageSummary(text: string, contentType = ''): SummaryParse {
  const trimmed = text.trimStart();
  if (/text\/html/i.test(contentType) || trimmed.startsWith('<'))
    return { ok: false, error: 'answered HTML, not Statuspage JSON' };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { ok: false, error: 'answered malformed JSON' };
  }
  const parsed = summarySchema.safeParse(document);
  if (!parsed.success)
    return { ok: false, error: 'answered JSON that is not a Statuspage summary (no components list)' };
  const components: StatuspageComponent[] = [];
  for (const entry of parsed.data.components) {
    const component = componentSchema.safeParse(entry);
    if (component.success)
      components.push({
        id: component.data.id,
        name: component.data.name ?? component.data.id,
        status: component.data.status,
      });
  }
  const incidents = (parsed.data.incidents ?? [])
    .map(readIncident)
    .filter((incident): incident is StatuspageIncident => incident !== undefined);
  return {
    ok: true,
    summary: {
      indicator: parsed.data.status?.indicator ?? null,
      description: parsed.data.status?.description ?? null,
      components,
      incidents: incidents.filter((incident) => !finishedIncidentStatuses.has(incident.status)),
    },
  };
}
