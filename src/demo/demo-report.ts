// What the demo prints: a live progress line and the closing summary.
import type { TrafficTally } from './traffic.js';

export interface PhaseTally {
  name: string;
  tally: TrafficTally;
}

export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function served(tally: TrafficTally): string {
  return [...tally.perDeployment.entries()].map(([deployment, count]) => `${deployment} ${count}`).join(', ') || '-';
}

export function formatLiveLine(elapsedMs: number, phase: string, tally: TrafficTally): string {
  return (
    `[${(elapsedMs / 1000).toFixed(0).padStart(3)}s] ${phase.padEnd(34)} sent ${tally.sent}  ok ${tally.succeeded}  ` +
    `failed ${tally.failed}  failovers ${tally.failovers}  | ${served(tally)}`
  ).padEnd(120);
}

export function formatSummary(phases: PhaseTally[], total: TrafficTally, simulatorStats: unknown): string {
  const lines = ['Summary (as the clients saw it)', ''];
  const header = `${'phase'.padEnd(36)}${'sent'.padStart(6)}${'ok'.padStart(6)}${'failed'.padStart(8)}${'failovers'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  served by`;
  lines.push(header, '-'.repeat(header.length + 20));
  for (const { name, tally } of [...phases, { name: 'total', tally: total }]) {
    lines.push(
      `${name.padEnd(36)}${String(tally.sent).padStart(6)}${String(tally.succeeded).padStart(6)}${String(tally.failed).padStart(8)}` +
        `${String(tally.failovers).padStart(11)}${percentile(tally.latenciesMs, 0.5).toFixed(0).padStart(9)}` +
        `${percentile(tally.latenciesMs, 0.99).toFixed(0).padStart(9)}  ${served(tally)}`,
    );
  }
  const rate = total.sent === 0 ? 0 : (100 * total.succeeded) / total.sent;
  lines.push(
    '',
    `client success rate: ${rate.toFixed(2)}% (${total.streamed} streamed, ${total.succeeded - total.streamed} non-streaming)`,
  );
  if (total.lastError) lines.push(`last client error: ${total.lastError}`);
  const upstreams =
    (simulatorStats as { upstreams?: Record<string, { requests: number; failed: number; aborted: number }> })
      .upstreams ?? {};
  lines.push(
    '',
    'upstream view (simulator): ' +
      Object.entries(upstreams)
        .map(([name, stats]) => `${name} ${stats.requests} requests, ${stats.failed} failed`)
        .join('; '),
  );
  return lines.join('\n');
}
