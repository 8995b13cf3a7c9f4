// Reads the report window's start as people type it (`--since 24h`, `90m`, `7d`, or an ISO date) and
// the output format, with messages that say what would have been accepted.
import type { SwitchyardCode } from '../../canonical/error-codes.js';

export const reportFormats = ['table', 'json', 'markdown'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const defaultReportSince = '24h';

export class ReportArgumentError extends Error {
  readonly code: SwitchyardCode = 'SWITCHYARD_REPORT_ARGUMENT';
  constructor(message: string) {
    super(message);
    this.name = 'ReportArgumentError';
  }
}

const unitMs: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const relativePattern = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
// A calendar date, optionally with a time: what Date.parse reads the same way everywhere.
const isoPattern = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A duration such as "90m" or "7d" in milliseconds; undefined when the text is not one. */
export function parseReportDuration(text: string): number | undefined {
  const match = relativePattern.exec(text.trim());
  if (!match) return undefined;
  const ms = Number.parseFloat(match[1]!) * unitMs[match[2]!.toLowerCase()]!;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

/** The window's start in epoch ms: `now` minus a duration (24h, 90m, 7d, 30s, 2w), or an ISO date/time. */
export function parseSince(text: string, now: number): number {
  const trimmed = text.trim();
  const duration = parseReportDuration(trimmed);
  if (duration !== undefined) return now - duration;
  if (isoPattern.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (Number.isFinite(at)) {
      if (at >= now) throw new ReportArgumentError(`--since ${trimmed} is not in the past`);
      return at;
    }
  }
  throw new ReportArgumentError(
    `--since takes a duration (24h, 90m, 7d) or an ISO date (2026-01-31 or 2026-01-31T08:00:00Z), not "${trimmed}"`,
  );
}

export function parseReportFormat(text: string): ReportFormat {
  const format = text.trim().toLowerCase();
  if ((reportFormats as readonly string[]).includes(format)) return format as ReportFormat;
  throw new ReportArgumentError(`--format takes ${reportFormats.join(', ')}, not "${text}"`);
}
