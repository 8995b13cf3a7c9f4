// Renders an availability report for people (an aligned text table for the terminal, Markdown for
// tickets and chat) or for programs (JSON, the report object as is). The sections and columns are
// defined once and shared by the two human formats.
import type {
  AvailabilityReport,
  DeploymentReport,
  KeyReport,
  ProviderReport,
  RouteReport,
} from './availability-report.js';
import type { IncidentReport } from './incident-timeline.js';
import type { ReportFormat } from './parse-since.js';
import {
  formatCount,
  formatDuration,
  formatFailures,
  formatLead,
  formatMs,
  formatPercent,
  formatTime,
} from './report-numbers.js';
import { markdownTable, textTable, type Column } from './text-table.js';

const deploymentColumns: Column<DeploymentReport>[] = [
  { header: 'DEPLOYMENT', cell: (row) => row.id },
  { header: 'PROVIDER', cell: (row) => row.provider ?? '-' },
  // A deployment's requests are attempts: every try of every client request that reached it.
  { header: 'ATTEMPTS', align: 'right', cell: (row) => formatCount(row.requests) },
  { header: 'SUCCESS', align: 'right', cell: (row) => formatPercent(row.successRate) },
  { header: 'P50', align: 'right', cell: (row) => formatMs(row.latency?.p50 ?? null) },
  { header: 'P95', align: 'right', cell: (row) => formatMs(row.latency?.p95 ?? null) },
  { header: 'P99', align: 'right', cell: (row) => formatMs(row.latency?.p99 ?? null) },
  { header: 'EJECTED', align: 'right', cell: (row) => formatDuration(row.timeEjectedMs) },
  { header: 'INCIDENTS', align: 'right', cell: (row) => formatCount(row.incidents) },
  { header: 'FAILURES', cell: (row) => formatFailures(row.failuresByKind) },
];

const routeColumns: Column<RouteReport>[] = [
  { header: 'ROUTE', cell: (row) => row.route },
  { header: 'REQUESTS', align: 'right', cell: (row) => formatCount(row.requests) },
  { header: 'SUCCESS', align: 'right', cell: (row) => formatPercent(row.successRate) },
  { header: 'FAILED', align: 'right', cell: (row) => formatCount(row.failures) },
  { header: 'FAILOVERS', align: 'right', cell: (row) => formatCount(row.failovers) },
  { header: 'EXTRA LATENCY', align: 'right', cell: (row) => formatMs(row.extraLatencyMs) },
  {
    header: 'HEDGES (WON)',
    align: 'right',
    cell: (row) => `${formatCount(row.hedges)} (${formatCount(row.hedgesWon)})`,
  },
];

const providerColumns: Column<ProviderReport>[] = [
  { header: 'PROVIDER', cell: (row) => row.provider },
  { header: 'ATTEMPTS', align: 'right', cell: (row) => formatCount(row.attempts) },
  { header: 'SUCCESS', align: 'right', cell: (row) => formatPercent(row.successRate) },
  { header: 'DEPLOYMENTS', cell: (row) => row.deployments.join(', ') },
];

const keyColumns: Column<KeyReport>[] = [
  { header: 'KEY', cell: (row) => row.key },
  { header: 'REQUESTS', align: 'right', cell: (row) => formatCount(row.requests) },
  { header: 'SUCCESS', align: 'right', cell: (row) => formatPercent(row.successRate) },
  { header: 'FAILED', align: 'right', cell: (row) => formatCount(row.failures) },
  { header: 'FAILOVERS', align: 'right', cell: (row) => formatCount(row.failovers) },
  { header: 'INPUT TOKENS', align: 'right', cell: (row) => formatCount(row.inputTokens) },
  { header: 'OUTPUT TOKENS', align: 'right', cell: (row) => formatCount(row.outputTokens) },
];

const incidentColumns: Column<IncidentReport>[] = [
  { header: 'DETECTED', cell: (row) => formatTime(row.detectedAt) },
  { header: 'SCOPE', cell: (row) => row.scope },
  { header: 'KEY', cell: (row) => row.key },
  { header: 'SEVERITY', cell: (row) => row.severity },
  {
    header: 'DURATION',
    align: 'right',
    cell: (row) => `${formatDuration(row.durationMs)}${row.status === 'open' ? ' (open)' : ''}`,
  },
  {
    header: 'LEAD OVER STATUS PAGE',
    align: 'right',
    cell: (row) => (row.statusPage ? `${formatLead(row.leadTimeMs)} (${row.statusPage.page})` : '-'),
  },
  { header: 'ID', cell: (row) => row.id },
];

interface Section {
  title: string;
  lines: (table: typeof textTable) => string[];
  empty: boolean;
}

function sections(report: AvailabilityReport): Section[] {
  return [
    {
      title: 'Deployments',
      empty: report.deployments.length === 0,
      lines: (table) => table(deploymentColumns, report.deployments),
    },
    {
      title: 'Routes (as clients saw them)',
      empty: report.routes.length === 0,
      lines: (table) => table(routeColumns, report.routes),
    },
    {
      title: 'Providers',
      empty: report.providers.length === 0,
      lines: (table) => table(providerColumns, report.providers),
    },
    // Only with gateway keys on: a gateway without them has nothing to say here.
    ...(report.keys.length === 0
      ? []
      : [
          {
            title: 'Gateway keys',
            empty: false,
            lines: (table: typeof textTable) => table(keyColumns, report.keys),
          },
        ]),
    {
      title: 'Incidents',
      empty: report.incidents.length === 0,
      lines: (table) => table(incidentColumns, report.incidents),
    },
  ];
}

function windowLine(report: AvailabilityReport): string {
  return `${report.window.sinceIso} to ${report.window.untilIso} (${formatDuration(report.window.durationMs)})`;
}

function formatTable(report: AvailabilityReport): string {
  const lines = [`Availability ${windowLine(report)}`, ''];
  if (report.headline.length > 0) lines.push(...report.headline, '');
  for (const section of sections(report)) {
    lines.push(section.title, ...(section.empty ? ['(none)'] : section.lines(textTable)), '');
  }
  for (const incident of report.incidents) {
    lines.push(`Timeline of ${incident.scope} ${incident.key} (${incident.id})`);
    const timeline = textTable(
      [
        { header: '', cell: (entry: IncidentReport['timeline'][number]) => `  ${formatTime(entry.at)}` },
        { header: '', cell: (entry) => entry.kind },
        { header: '', cell: (entry) => entry.message },
      ],
      incident.timeline,
    ).slice(1);
    lines.push(...(timeline.length > 0 ? timeline : ['  (no entries)']), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function formatMarkdown(report: AvailabilityReport): string {
  const lines = ['# Availability report', '', `Window: ${windowLine(report)}`, ''];
  if (report.headline.length > 0) lines.push(...report.headline.map((line) => `- ${line}`), '');
  for (const section of sections(report)) {
    lines.push(`## ${section.title}`, '', ...(section.empty ? ['_None._'] : section.lines(markdownTable)), '');
  }
  for (const incident of report.incidents) {
    lines.push(`### ${incident.scope} ${incident.key} (${incident.id})`, '');
    if (incident.timeline.length === 0) lines.push('_No timeline entries._');
    for (const entry of incident.timeline)
      lines.push(`- \`${formatTime(entry.at)}\` **${entry.kind}**: ${entry.message}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function formatReport(report: AvailabilityReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(report);
    case 'table':
      return formatTable(report);
  }
}
