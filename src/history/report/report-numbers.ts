// How report figures read: rates, counts, latencies and durations, the same in every format.
import { describeDuration } from '../../incidents/describe-duration.js';

/**
 * A success rate with one decimal, rounded down: 99.96% reads 99.9%, never 100.0%, since "100%" must
 * mean that nothing failed. Null (nothing to measure) reads "n/a".
 */
export function formatPercent(rate: number | null): string {
  if (rate === null) return 'n/a';
  if (rate >= 1) return '100.0%';
  // The epsilon keeps 0.918 (stored as 0.91799999...) at 91.8.
  return `${(Math.floor(rate * 1000 + 1e-9) / 10).toFixed(1)}%`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatMs(value: number | null): string {
  return value === null ? '-' : `${formatCount(Math.round(value))} ms`;
}

/** "2 min 5 s"; zero reads "0 s". */
export function formatDuration(ms: number): string {
  return describeDuration(ms);
}

/** Our lead over the status page: "+1 min 57 s" when we knew first, "-25 s" when the page did. */
export function formatLead(leadTimeMs: number | null): string {
  if (leadTimeMs === null) return '-';
  return `${leadTimeMs >= 0 ? '+' : '-'}${describeDuration(leadTimeMs)}`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** "overloaded 60, server 22": most frequent first. */
export function formatFailures(failuresByKind: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failuresByKind)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.length === 0 ? '-' : entries.map(([kind, count]) => `${kind} ${formatCount(count)}`).join(', ');
}
