// What `switchyard exec` tells when its command ends: requests (served, failed), failovers, the
// deployments that answered, incidents opened, and why the step is being skipped when it is. Fed by
// the request channel and the incident detector, so it counts exactly what the gateway did.
import diagnosticsChannel from 'node:diagnostics_channel';
import { requestChannel, type RequestEvent } from '../../observability/channels.js';

export interface ExecIncident {
  scope: string;
  key: string;
  severity: string;
  openedAt: number;
  resolvedAt?: number;
}

export interface ExecFacts {
  command: string;
  exitCode: number;
  /** What the command itself exited with (a signal as 128 + its number). */
  commandExitCode: number;
  durationMs: number;
  requests: number;
  succeeded: number;
  failed: number;
  failovers: number;
  /** Deployment → requests it answered. */
  deploymentsUsed: Record<string, number>;
  routesUsed: string[];
  incidents: ExecIncident[];
  /** Set when the step is reported as skipped (exit 75): the one line saying why. */
  skippedBecause?: string;
}

export class ExecTally {
  requests = 0;
  succeeded = 0;
  failed = 0;
  failovers = 0;
  readonly deploymentsUsed = new Map<string, number>();
  readonly routesUsed = new Set<string>();
  /** Whether each route's latest request failed (the command is stuck on it) or was answered. */
  readonly lastFailed = new Map<string, boolean>();
  private readonly onRequest = (message: unknown) => this.record(message as RequestEvent);

  /** `routeName` turns what the client asked for (an alias, on a failure) into the route's own name. */
  constructor(private readonly routeName: (asked: string) => string = (asked) => asked) {
    diagnosticsChannel.subscribe(requestChannel.name, this.onRequest);
  }

  close(): void {
    diagnosticsChannel.unsubscribe(requestChannel.name, this.onRequest);
  }

  record(event: RequestEvent): void {
    this.requests += 1;
    const route = this.routeName(event.route);
    this.routesUsed.add(route);
    this.lastFailed.set(route, !event.succeeded);
    if (event.succeeded) this.succeeded += 1;
    else this.failed += 1;
    if (event.failedOver) this.failovers += 1;
    if (event.succeeded && event.deployment)
      this.deploymentsUsed.set(event.deployment, (this.deploymentsUsed.get(event.deployment) ?? 0) + 1);
  }
}

function list(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} (${count})`).join(', ');
}

function incidentLine(incident: ExecIncident): string {
  const state = incident.resolvedAt === undefined ? 'still open' : 'resolved';
  return `${incident.scope} ${incident.key} (${incident.severity}, ${state})`;
}

export function formatSummaryText(facts: ExecFacts): string {
  const lines = [
    `switchyard exec: ${facts.command} exited ${facts.commandExitCode} after ${(facts.durationMs / 1000).toFixed(1)} s`,
    `  requests: ${facts.requests} (${facts.succeeded} answered, ${facts.failed} failed), failovers: ${facts.failovers}`,
    `  deployments used: ${list(facts.deploymentsUsed)}`,
    `  incidents: ${facts.incidents.length === 0 ? 'none' : facts.incidents.map(incidentLine).join('; ')}`,
  ];
  if (facts.skippedBecause) lines.push(`  ${facts.skippedBecause}`);
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function formatSummaryMarkdown(facts: ExecFacts): string {
  const heading = facts.skippedBecause
    ? '### Switchyard: AI step skipped (every provider unavailable)'
    : `### Switchyard: \`${cell(facts.command)}\` exited ${facts.commandExitCode}`;
  const rows = [
    ['Requests', `${facts.requests} (${facts.succeeded} answered, ${facts.failed} failed)`],
    ['Failovers', String(facts.failovers)],
    ['Deployments used', list(facts.deploymentsUsed)],
    ['Routes', facts.routesUsed.join(', ') || 'none'],
    ['Incidents', facts.incidents.length === 0 ? 'none' : facts.incidents.map(incidentLine).join('; ')],
    ['Duration', `${(facts.durationMs / 1000).toFixed(1)} s`],
    ['Exit code', String(facts.exitCode)],
  ];
  const table = ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${cell(value!)} |`)];
  return `${[heading, '', ...(facts.skippedBecause ? [`> ${facts.skippedBecause}`, ''] : []), ...table].join('\n')}\n\n`;
}
