// The three report formats for the known hour of traffic (report-test-traffic.ts): the whole text of
// the table and Markdown outputs, their structure, and JSON that reads back as the report.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { openStore } from '../store/open-store.js';
import { buildAvailabilityReport, type AvailabilityReport } from './availability-report.js';
import { formatReport } from './format-report.js';
import {
  deploymentProvider,
  routeDeployments,
  seedKnownTraffic,
  windowEnd,
  windowStart,
} from './report-test-traffic.js';
import { markdownTable, textTable } from './text-table.js';

let folder: string;
let report: AvailabilityReport;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-report-format-'));
  const store = await openStore({ path: join(folder, 'switchyard.db') }, { clock: new ManualClock(windowEnd) });
  await seedKnownTraffic(store);
  report = await buildAvailabilityReport(store, {
    since: windowStart,
    until: windowEnd,
    now: windowEnd,
    deploymentProvider,
    routeDeployments,
  });
  await store.close();
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const expectedTable = `Availability 2026-01-01T12:00:00.000Z to 2026-01-01T13:00:00.000Z (1 h)

anthropic: 91.8% of attempts succeeded; clients of route opus: 99.5%; clients of route sonnet: 100.0%
bedrock: 100.0% of attempts succeeded; clients of route sonnet: 100.0%
vertex: 99.0% of attempts succeeded; clients of route opus: 99.5%
all routes: 99.8% of 700 client requests succeeded; 85 served after failover

Deployments
DEPLOYMENT      PROVIDER   ATTEMPTS  SUCCESS     P50     P95       P99     EJECTED  INCIDENTS  FAILURES
claude-bedrock  bedrock         600   100.0%  197 ms  197 ms    197 ms         0 s          0  -
claude-direct   anthropic     1,000    91.8%   99 ms  395 ms  1,878 ms  1 min 30 s          1  overloaded 60, server 22
claude-vertex   vertex          100    99.0%  939 ms  939 ms    939 ms         0 s          1  server 1
gpt-4o          openai            0      n/a       -       -         -         0 s          0  -

Routes (as clients saw them)
ROUTE   REQUESTS  SUCCESS  FAILED  FAILOVERS  EXTRA LATENCY  HEDGES (WON)
opus         200    99.5%       1          3       1,000 ms         0 (0)
sonnet       500   100.0%       0         82         350 ms        12 (9)

Providers
PROVIDER   ATTEMPTS  SUCCESS  DEPLOYMENTS
anthropic     1,000    91.8%  claude-direct
bedrock         600   100.0%  claude-bedrock
openai            0      n/a  gpt-4o
vertex          100    99.0%  claude-vertex

Gateway keys
KEY       REQUESTS  SUCCESS  FAILED  FAILOVERS  INPUT TOKENS  OUTPUT TOKENS
team-app       500   100.0%       0         82       300,000         75,000
team-ci        200    99.5%       1          3        64,000          8,000

Incidents
DETECTED                  SCOPE       KEY                    SEVERITY       DURATION    LEAD OVER STATUS PAGE  ID
2026-01-01T12:10:01.000Z  deployment  claude-direct          major             2 min                        -  inc-direct
2026-01-01T12:10:03.000Z  domain      anthropic-model-layer  critical     2 min 30 s  +1 min 57 s (anthropic)  inc-domain
2026-01-01T12:30:00.000Z  deployment  claude-vertex          minor     30 min (open)                        -  inc-vertex

Timeline of deployment claude-direct (inc-direct)
  2026-01-01T12:10:01.000Z  opened  claude-direct ejected (5 consecutive failures)

Timeline of domain anthropic-model-layer (inc-domain)
  2026-01-01T12:10:03.000Z  opened                    anthropic-model-layer degraded: 2 of 3 deployments failing
  2026-01-01T12:12:00.000Z  status-page-acknowledged  anthropic status page acknowledged (sp1) 1 min 57 s after our detection
  2026-01-01T12:12:33.000Z  resolved                  anthropic-model-layer healthy for 30 s

Timeline of deployment claude-vertex (inc-vertex)
  (no entries)
`;

const expectedMarkdown = `# Availability report

Window: 2026-01-01T12:00:00.000Z to 2026-01-01T13:00:00.000Z (1 h)

- anthropic: 91.8% of attempts succeeded; clients of route opus: 99.5%; clients of route sonnet: 100.0%
- bedrock: 100.0% of attempts succeeded; clients of route sonnet: 100.0%
- vertex: 99.0% of attempts succeeded; clients of route opus: 99.5%
- all routes: 99.8% of 700 client requests succeeded; 85 served after failover

## Deployments

| DEPLOYMENT | PROVIDER | ATTEMPTS | SUCCESS | P50 | P95 | P99 | EJECTED | INCIDENTS | FAILURES |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| claude-bedrock | bedrock | 600 | 100.0% | 197 ms | 197 ms | 197 ms | 0 s | 0 | - |
| claude-direct | anthropic | 1,000 | 91.8% | 99 ms | 395 ms | 1,878 ms | 1 min 30 s | 1 | overloaded 60, server 22 |
| claude-vertex | vertex | 100 | 99.0% | 939 ms | 939 ms | 939 ms | 0 s | 1 | server 1 |
| gpt-4o | openai | 0 | n/a | - | - | - | 0 s | 0 | - |

## Routes (as clients saw them)

| ROUTE | REQUESTS | SUCCESS | FAILED | FAILOVERS | EXTRA LATENCY | HEDGES (WON) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| opus | 200 | 99.5% | 1 | 3 | 1,000 ms | 0 (0) |
| sonnet | 500 | 100.0% | 0 | 82 | 350 ms | 12 (9) |

## Providers

| PROVIDER | ATTEMPTS | SUCCESS | DEPLOYMENTS |
| --- | ---: | ---: | --- |
| anthropic | 1,000 | 91.8% | claude-direct |
| bedrock | 600 | 100.0% | claude-bedrock |
| openai | 0 | n/a | gpt-4o |
| vertex | 100 | 99.0% | claude-vertex |

## Gateway keys

| KEY | REQUESTS | SUCCESS | FAILED | FAILOVERS | INPUT TOKENS | OUTPUT TOKENS |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| team-app | 500 | 100.0% | 0 | 82 | 300,000 | 75,000 |
| team-ci | 200 | 99.5% | 1 | 3 | 64,000 | 8,000 |

## Incidents

| DETECTED | SCOPE | KEY | SEVERITY | DURATION | LEAD OVER STATUS PAGE | ID |
| --- | --- | --- | --- | ---: | ---: | --- |
| 2026-01-01T12:10:01.000Z | deployment | claude-direct | major | 2 min | - | inc-direct |
| 2026-01-01T12:10:03.000Z | domain | anthropic-model-layer | critical | 2 min 30 s | +1 min 57 s (anthropic) | inc-domain |
| 2026-01-01T12:30:00.000Z | deployment | claude-vertex | minor | 30 min (open) | - | inc-vertex |

### deployment claude-direct (inc-direct)

- \`2026-01-01T12:10:01.000Z\` **opened**: claude-direct ejected (5 consecutive failures)

### domain anthropic-model-layer (inc-domain)

- \`2026-01-01T12:10:03.000Z\` **opened**: anthropic-model-layer degraded: 2 of 3 deployments failing
- \`2026-01-01T12:12:00.000Z\` **status-page-acknowledged**: anthropic status page acknowledged (sp1) 1 min 57 s after our detection
- \`2026-01-01T12:12:33.000Z\` **resolved**: anthropic-model-layer healthy for 30 s

### deployment claude-vertex (inc-vertex)

_No timeline entries._
`;

/** The lines of one titled block (up to the next blank line). */
function block(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end);
}

describe('formatReport', () => {
  it('table: the whole text', () => {
    expect(formatReport(report, 'table')).toBe(expectedTable);
  });

  it('table: right-aligned numbers end in one column, left-aligned text starts in one', () => {
    const text = formatReport(report, 'table');
    const deployments = block(text, 'Deployments');
    expect(deployments).toHaveLength(5);
    const attemptsEnd = deployments[0]!.indexOf('ATTEMPTS') + 'ATTEMPTS'.length;
    const failuresStart = deployments[0]!.indexOf('FAILURES');
    for (const line of deployments.slice(1)) {
      expect(line[attemptsEnd - 1]).toMatch(/\d/);
      expect(line[attemptsEnd]).toBe(' ');
      expect(line.slice(failuresStart - 2, failuresStart)).toBe('  ');
      expect(line[failuresStart]).not.toBe(' ');
    }
    expect(text.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('markdown: the whole text, every table row with as many cells as its header', () => {
    const text = formatReport(report, 'markdown');
    expect(text).toBe(expectedMarkdown);
    for (const title of [
      '## Deployments',
      '## Routes (as clients saw them)',
      '## Providers',
      '## Gateway keys',
      '## Incidents',
    ]) {
      const lines = text.split('\n');
      const start = lines.indexOf(title) + 2;
      const end = lines.indexOf('', start);
      const rows = lines.slice(start, end);
      const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(new Set(rows.map(cells)).size).toBe(1);
      expect(rows[1]).toMatch(/^\| (---:?( \| )?)+ \|$/);
    }
  });

  it('json: the report itself, readable back', () => {
    const text = formatReport(report, 'json');
    expect(JSON.parse(text)).toEqual(report);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'generatedAt',
      'window',
      'headline',
      'deployments',
      'routes',
      'providers',
      'keys',
      'incidents',
    ]);
  });

  it('says (none) for empty sections', () => {
    const empty: AvailabilityReport = {
      ...report,
      headline: [],
      deployments: [],
      routes: [],
      providers: [],
      keys: [],
      incidents: [],
    };
    const table = formatReport(empty, 'table');
    expect(block(table, 'Routes (as clients saw them)')).toEqual(['(none)']);
    // Without gateway keys there is no keys section at all.
    expect(table).not.toContain('Gateway keys');
    expect(formatReport(empty, 'markdown')).toContain('## Incidents\n\n_None._\n');
  });
});

describe('text tables', () => {
  const columns = [
    { header: 'NAME', cell: (row: { name: string; count: number }) => row.name },
    { header: 'COUNT', align: 'right' as const, cell: (row: { name: string; count: number }) => String(row.count) },
  ];

  it('pads to the widest cell and right-aligns numbers', () => {
    expect(
      textTable(columns, [
        { name: 'a', count: 1_000 },
        { name: 'longer', count: 7 },
      ]),
    ).toEqual(['NAME    COUNT', 'a        1000', 'longer      7']);
  });

  it('escapes pipes and line breaks in Markdown cells', () => {
    expect(markdownTable(columns, [{ name: 'a|b\nc', count: 1 }])).toEqual([
      '| NAME | COUNT |',
      '| --- | ---: |',
      '| a\\|b c | 1 |',
    ]);
  });
});
