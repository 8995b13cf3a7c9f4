// The poller against a local HTTP server that answers what each test scripts: real Statuspage JSON,
// 404s, HTML, malformed JSON, a dead port, a hang. Time is a manual clock; the server is real.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { StatusPageAcknowledgementEvent } from './acknowledgement-tracker.js';
import { statusPageConfigSchema } from './status-page-config.js';
import { StatusPagePoller } from './status-page-poller.js';

type Answer = { status: number; contentType: string; body: string } | 'hang';

interface PageServer {
  url: string;
  paths: string[];
  answer: Answer;
  close(): Promise<void>;
}

const servers: Server[] = [];
const pollers: StatusPagePoller[] = [];

afterEach(async () => {
  for (const poller of pollers.splice(0)) await poller.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function startPageServer(): Promise<PageServer> {
  const state: PageServer = { url: '', paths: [], answer: json(summary({})), close: async () => {} };
  const server = createServer((request, response) => {
    state.paths.push(request.url ?? '');
    const answer = state.answer;
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': answer.contentType });
    response.end(answer.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function json(document: unknown): Answer {
  return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(document) };
}

function summary(components: Record<string, string>, incidents: unknown[] = [], indicator = 'none') {
  return {
    page: {
      id: 'kctbh9vrtdwd',
      name: 'Anthropic',
      url: 'https://status.claude.com',
      time_zone: 'Etc/UTC',
      updated_at: new Date(t0).toISOString(),
    },
    status: { indicator, description: indicator === 'none' ? 'All Systems Operational' : 'Partial System Outage' },
    components: Object.entries(components).map(([id, status], index) => ({
      id,
      name: `Component ${id}`,
      status,
      position: index + 1,
      group_id: null,
    })),
    incidents,
    scheduled_maintenances: [],
  };
}

function providerIncident(id: string, componentIds: string[], createdAt: number, status = 'investigating') {
  return {
    id,
    name: 'Elevated errors on Claude API',
    status,
    impact: 'major',
    created_at: new Date(createdAt).toISOString(),
    shortlink: `https://stspg.io/${id}`,
    components: componentIds.map((componentId) => ({
      id: componentId,
      name: `Component ${componentId}`,
      status: 'major_outage',
    })),
    incident_updates: [],
  };
}

function logRecorder() {
  const lines: Array<{ level: 'warn' | 'info'; message: string; object: Record<string, unknown> }> = [];
  return {
    lines,
    warn: (object: object, message: string) =>
      void lines.push({ level: 'warn', message, object: object as Record<string, unknown> }),
    info: (object: object, message: string) =>
      void lines.push({ level: 'info', message, object: object as Record<string, unknown> }),
  };
}

function createPoller(url: string, clock: ManualClock, overrides: Record<string, unknown> = {}) {
  const events: StatusPageAcknowledgementEvent[] = [];
  const logger = logRecorder();
  const page = statusPageConfigSchema.parse({
    name: 'anthropic',
    url,
    components: { api: ['claude-direct', 'claude-bedrock'], layer: 'anthropic-model-layer' },
    intervalMs: 10_000,
    timeoutMs: 5_000,
    ...overrides,
  });
  const poller = new StatusPagePoller({
    pages: [page],
    clock,
    logger,
    onAcknowledgement: (event) => void events.push(event),
  });
  pollers.push(poller);
  return { poller, events, logger };
}

/** Advances one interval at a time, letting each poll's real I/O finish before time moves on. */
async function advance(clock: ManualClock, poller: StatusPagePoller, ms: number, stepMs = 10_000): Promise<void> {
  for (let moved = 0; moved < ms; moved += stepMs) {
    await clock.advance(Math.min(stepMs, ms - moved));
    await poller.whenIdle();
  }
}

describe('StatusPagePoller', () => {
  it('polls summary.json at start and then every intervalMs, not more often', async () => {
    const server = await startPageServer();
    const clock = new ManualClock(t0);
    const { poller } = createPoller(`${server.url}/`, clock);
    poller.start();
    await poller.whenIdle();
    expect(server.paths).toEqual(['/api/v2/summary.json']);
    await clock.advance(9_999);
    await poller.whenIdle();
    expect(server.paths).toHaveLength(1);
    await advance(clock, poller, 1, 1);
    expect(server.paths).toHaveLength(2);
    await advance(clock, poller, 50_000);
    expect(server.paths).toHaveLength(7);
    await poller.stop();
    await clock.advance(60_000);
    expect(server.paths).toHaveLength(7);
  });

  it('maps a provider incident to the configured deployments and fires once per incident, at its created_at', async () => {
    const server = await startPageServer();
    const clock = new ManualClock(t0);
    const { poller, events } = createPoller(server.url, clock);
    poller.start();
    await poller.whenIdle();
    expect(events).toEqual([]);

    server.answer = json(
      summary(
        { api: 'major_outage', layer: 'operational', other: 'operational' },
        [providerIncident('p1', ['api'], t0 + 4_000)],
        'major',
      ),
    );
    await advance(clock, poller, 60_000);
    expect(events).toEqual([
      {
        page: 'anthropic',
        components: ['api'],
        incidentId: 'p1',
        incidentName: 'Elevated errors on Claude API',
        acknowledgedAt: t0 + 4_000,
        deployments: ['claude-direct', 'claude-bedrock'],
      },
    ]);
    expect(server.paths.length).toBeGreaterThanOrEqual(7);

    const view = poller.current()[0]!;
    expect(view).toMatchObject({
      page: 'anthropic',
      url: `${server.url}/api/v2/summary.json`,
      indicator: 'major',
      lastError: null,
      failingSince: null,
      lastPollAt: t0 + 60_000,
      affectedComponents: [
        { id: 'api', name: 'Component api', status: 'major_outage', targets: ['claude-direct', 'claude-bedrock'] },
      ],
      unresolvedIncidents: [{ id: 'p1', status: 'investigating', createdAt: t0 + 4_000, componentIds: ['api'] }],
      missingComponents: [],
    });

    // Resolved: the summary drops it. A component going down later is a new acknowledgement, dated by
    // the first poll that saw it (t0 + 90 s; the page changed at t0 + 80 s, between two polls).
    server.answer = json(summary({ api: 'operational', layer: 'operational' }));
    await advance(clock, poller, 20_000);
    server.answer = json(summary({ api: 'operational', layer: 'degraded_performance' }, [], 'minor'));
    await advance(clock, poller, 30_000);
    expect(events.slice(1)).toEqual([
      { page: 'anthropic', components: ['layer'], acknowledgedAt: t0 + 90_000, deployments: ['anthropic-model-layer'] },
    ]);
  });

  it('reports configured component ids the page does not list', async () => {
    const server = await startPageServer();
    server.answer = json(summary({ api: 'operational' }));
    const { poller } = createPoller(server.url, new ManualClock(t0));
    await poller.pollNow();
    expect(poller.current()[0]!.missingComponents).toEqual(['layer']);
  });

  it('survives 404, HTML, malformed JSON, non-Statuspage JSON, a dead port and a hang, logging once per outage', async () => {
    const server = await startPageServer();
    const clock = new ManualClock(t0);
    const { poller, events, logger } = createPoller(server.url, clock);
    poller.start();
    await poller.whenIdle();

    const errors: string[] = [];
    const answers: Answer[] = [
      { status: 404, contentType: 'text/html', body: '<html><body>Not found</body></html>' },
      { status: 200, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><body>Status</body></html>' },
      { status: 200, contentType: 'application/json', body: '{"page":{"id":' },
      json({ page: { id: 'x' }, status: { indicator: 'none' } }),
      { status: 503, contentType: 'application/json', body: '{}' },
    ];
    for (const answer of answers) {
      server.answer = answer;
      await advance(clock, poller, 10_000);
      errors.push(poller.current()[0]!.lastError ?? 'none');
    }
    server.answer = 'hang';
    await clock.advance(10_000);
    await clock.advance(5_000);
    await poller.whenIdle();
    errors.push(poller.current()[0]!.lastError ?? 'none');
    expect(errors).toEqual([
      'answered HTTP 404 (HTML)',
      'answered HTML, not Statuspage JSON',
      'answered malformed JSON',
      'answered JSON that is not a Statuspage summary (no components list)',
      'answered HTTP 503',
      'timed out after 5000 ms',
    ]);
    expect(poller.current()[0]).toMatchObject({ failingSince: t0 + 10_000, lastSuccessAt: t0, indicator: 'none' });
    expect(logger.lines.map((line) => [line.level, line.object.error ?? null])).toEqual([
      ['warn', 'answered HTTP 404 (HTML)'],
    ]);

    // It came back: one info line, and what it shows counts again.
    server.answer = json(summary({ api: 'partial_outage' }, [providerIncident('p9', ['api'], t0 + 61_000)]));
    await advance(clock, poller, 5_000, 5_000);
    expect(poller.current()[0]).toMatchObject({ lastError: null, failingSince: null });
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(events.map((event) => event.incidentId)).toEqual(['p9']);

    // The page's host goes away entirely; polling goes on and picks it up when it is back.
    await server.close();
    await advance(clock, poller, 30_000);
    expect(poller.current()[0]!.lastError).toMatch(/^request failed \(ECONNREFUSED\)$/);
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'info', 'warn']);
  });

  it('offers an acknowledgement again while the receiver declines it, and stops once taken', async () => {
    const server = await startPageServer();
    server.answer = json(summary({ api: 'major_outage' }, [providerIncident('p1', ['api'], t0 - 5_000)]));
    const clock = new ManualClock(t0);
    const offered: StatusPageAcknowledgementEvent[] = [];
    let accept = false;
    const page = statusPageConfigSchema.parse({
      name: 'anthropic',
      url: server.url,
      components: { api: ['claude-direct'] },
      intervalMs: 10_000,
    });
    const poller = new StatusPagePoller({
      pages: [page],
      clock,
      onAcknowledgement: (event) => {
        offered.push(event);
        return accept;
      },
    });
    pollers.push(poller);
    poller.start();
    await poller.whenIdle();
    await advance(clock, poller, 20_000);
    expect(offered.map((event) => event.acknowledgedAt)).toEqual([t0 - 5_000, t0 - 5_000, t0 - 5_000]);
    accept = true;
    await advance(clock, poller, 30_000);
    expect(offered).toHaveLength(4);
  });

  it('polls several pages independently, a broken one never holding up the other', async () => {
    const good = await startPageServer();
    const broken = await startPageServer();
    good.answer = json(summary({ chat: 'major_outage' }, [providerIncident('o1', ['chat'], t0)]));
    broken.answer = 'hang';
    const clock = new ManualClock(t0);
    const events: StatusPageAcknowledgementEvent[] = [];
    const pages = [
      statusPageConfigSchema.parse({
        name: 'anthropic',
        url: broken.url,
        components: { api: ['claude-direct'] },
        intervalMs: 60_000,
        timeoutMs: 10_000,
      }),
      statusPageConfigSchema.parse({
        name: 'openai',
        url: good.url,
        components: { chat: ['gpt-4o'] },
        intervalMs: 60_000,
      }),
    ];
    const poller = new StatusPagePoller({ pages, clock, onAcknowledgement: (event) => void events.push(event) });
    pollers.push(poller);
    poller.start();
    // The good page answers while the broken one still hangs.
    while (events.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((event) => [event.page, event.deployments])).toEqual([['openai', ['gpt-4o']]]);
    await clock.advance(10_000);
    await poller.whenIdle();
    expect(poller.current().map((view) => [view.page, view.lastError])).toEqual([
      ['anthropic', 'timed out after 10000 ms'],
      ['openai', null],
    ]);
  });
});
