// Simulated provider status pages: Statuspage v2 documents that follow the injected faults after the
// page's lag, configured through the control API and scenario files, on the injected clock.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario, startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { control } from './simulator-client.js';

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

const lagMs = 120_000;
const pageSettings = {
  lagMs,
  components: {
    'cmp-claude-api': { name: 'Claude API', targets: ['claude-a', 'label:anthropic-model-layer'] },
    'cmp-console': { name: 'Console', targets: ['console-*'] },
  },
};

async function fetchDocument(path: string): Promise<{ status: number; contentType: string; text: string; json: any }> {
  const response = await request(`${simulator!.url}${path}`);
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, contentType: String(response.headers['content-type']), text, json };
}

const summary = async (page = 'anthropic') => (await fetchDocument(`/status/${page}/api/v2/summary.json`)).json;
const statusOf = (document: any, id: string) =>
  document.components.find((component: any) => component.id === id)?.status;

describe('simulated status pages', () => {
  it('shows a fault only after the lag, with an incident created at fault time + lag, and resolves it the lag after removal', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    simulator = await startSimulator({ clock });
    const configured = await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', pageSettings);
    expect(configured.status).toBe(200);
    expect(configured.json).toMatchObject({
      name: 'anthropic',
      lagMs,
      serve: 'json',
      summaryPath: '/status/anthropic/api/v2/summary.json',
    });

    const quiet = await summary();
    expect(quiet.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    expect(
      quiet.components.map((component: any) => [component.id, component.name, component.status, component.position]),
    ).toEqual([
      ['cmp-claude-api', 'Claude API', 'operational', 1],
      ['cmp-console', 'Console', 'operational', 2],
    ]);
    expect(quiet.incidents).toEqual([]);
    expect(quiet.page).toMatchObject({ name: 'anthropic', time_zone: 'Etc/UTC' });

    await control(simulator.url, 'POST', '/_sim/upstreams/claude-b', { labels: ['anthropic-model-layer'] });
    const faultAt = clock.now();
    await control(simulator.url, 'POST', '/_sim/faults', {
      id: 'down',
      target: 'label:anthropic-model-layer',
      kind: 'error',
      status: 529,
    });

    await clock.advance(lagMs - 1);
    expect(statusOf(await summary(), 'cmp-claude-api')).toBe('operational');

    await clock.advance(1);
    const down = await summary();
    expect(statusOf(down, 'cmp-claude-api')).toBe('major_outage');
    expect(statusOf(down, 'cmp-console')).toBe('operational');
    expect(down.status.indicator).toBe('critical');
    expect(down.incidents).toHaveLength(1);
    const incident = down.incidents[0];
    expect(incident).toMatchObject({
      status: 'investigating',
      impact: 'critical',
      resolved_at: null,
      name: 'Outage affecting Claude API',
    });
    expect(Date.parse(incident.created_at)).toBe(faultAt + lagMs);
    expect(incident.components.map((component: any) => component.id)).toEqual(['cmp-claude-api']);
    expect(incident.incident_updates[0]).toMatchObject({ status: 'investigating', incident_id: incident.id });
    expect(Date.parse(down.components[0].updated_at)).toBe(faultAt + lagMs);

    // The same incident on every poll while it lasts.
    await clock.advance(30_000);
    expect((await summary()).incidents.map((entry: any) => entry.id)).toEqual([incident.id]);

    await clock.advance(30_000);
    const removedAt = clock.now();
    await control(simulator.url, 'DELETE', '/_sim/faults/down');
    await clock.advance(lagMs - 1);
    expect(statusOf(await summary(), 'cmp-claude-api')).toBe('major_outage');
    await clock.advance(1);
    const recovered = await summary();
    expect(statusOf(recovered, 'cmp-claude-api')).toBe('operational');
    expect(recovered.incidents).toEqual([]);
    expect(recovered.status.indicator).toBe('none');

    const history = (await fetchDocument('/status/anthropic/api/v2/incidents.json')).json;
    expect(history.incidents).toHaveLength(1);
    expect(history.incidents[0]).toMatchObject({ id: incident.id, status: 'resolved' });
    expect(Date.parse(history.incidents[0].resolved_at)).toBe(removedAt + lagMs);
    expect(history.incidents[0].incident_updates.map((update: any) => update.status)).toEqual([
      'resolved',
      'investigating',
    ]);
  });

  it('never shows a fault shorter than the lag, and ignores latency and malformed faults', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', pageSettings);
    await control(simulator.url, 'POST', '/_sim/faults', {
      target: 'claude-a',
      kind: 'error',
      status: 500,
      durationMs: lagMs - 1,
    });
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'claude-a', kind: 'latency', ms: 5_000 });
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'claude-a', kind: 'malformed' });
    await clock.advance(lagMs);
    expect(statusOf(await summary(), 'cmp-claude-api')).toBe('operational');
    await clock.advance(lagMs * 3);
    expect((await fetchDocument('/status/anthropic/api/v2/incidents.json')).json.incidents).toEqual([]);
  });

  it('maps partial faults to partial outages, matches globs, and joins overlapping outages into one incident', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', { ...pageSettings, lagMs: 60_000 });
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'claude-a', kind: 'hang', probability: 0.5 });
    await clock.advance(30_000);
    await control(simulator.url, 'POST', '/_sim/faults', { target: 'console-eu', kind: 'reset', probability: 0.2 });
    await clock.advance(30_000);
    const first = await summary();
    expect(statusOf(first, 'cmp-claude-api')).toBe('partial_outage');
    expect(statusOf(first, 'cmp-console')).toBe('operational');
    expect(first.status.indicator).toBe('major');
    await clock.advance(30_000);
    const both = await summary();
    expect(statusOf(both, 'cmp-console')).toBe('degraded_performance');
    expect(both.incidents).toHaveLength(1);
    expect(both.incidents[0].components.map((component: any) => component.id)).toEqual([
      'cmp-claude-api',
      'cmp-console',
    ]);
  });

  it('shows a fault that began before the page was configured', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    const faultAt = clock.now();
    simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    await clock.advance(lagMs + 5_000);
    simulator.statusPages.configure('anthropic', pageSettings);
    const document = await summary();
    expect(statusOf(document, 'cmp-claude-api')).toBe('major_outage');
    expect(Date.parse(document.incidents[0].created_at)).toBe(faultAt + lagMs);
  });

  it('serves status.json, components.json and incidents/unresolved.json, and 404 HTML for unknown pages and documents', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock });
    simulator.statusPages.configure('anthropic', pageSettings);
    simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    await clock.advance(lagMs);
    expect((await fetchDocument('/status/anthropic/api/v2/status.json')).json.status).toEqual({
      indicator: 'critical',
      description: 'Major System Outage',
    });
    expect((await fetchDocument('/status/anthropic/api/v2/components.json')).json.components).toHaveLength(2);
    expect((await fetchDocument('/status/anthropic/api/v2/incidents/unresolved.json')).json.incidents).toHaveLength(1);
    for (const path of [
      '/status/nobody/api/v2/summary.json',
      '/status/anthropic/api/v2/nothing.json',
      '/status/anthropic',
    ]) {
      const answer = await fetchDocument(path);
      expect(answer.status).toBe(404);
      expect(answer.contentType).toContain('text/html');
    }
  });

  it('answers the way broken real pages do when told to', async () => {
    simulator = await startSimulator({ clock: new ManualClock() });
    const cases: Array<[string, number, string]> = [
      ['html', 200, 'text/html'],
      ['not-found', 404, 'text/html'],
      ['error', 503, 'text/html'],
      ['malformed', 200, 'application/json'],
    ];
    for (const [serve, status, contentType] of cases) {
      await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', { ...pageSettings, serve });
      const answer = await fetchDocument('/status/anthropic/api/v2/summary.json');
      expect([serve, answer.status, answer.contentType.split(';')[0]]).toEqual([serve, status, contentType]);
      expect(answer.json).toBeUndefined();
    }
  });

  it('lists, describes, validates and removes pages through the control API', async () => {
    simulator = await startSimulator({ clock: new ManualClock() });
    await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', pageSettings);
    await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', { lagMs: 5_000 });
    const listed = await control(simulator.url, 'GET', '/_sim/status-pages');
    expect(Object.keys(listed.json.pages)).toEqual(['anthropic']);
    expect(listed.json.pages.anthropic.lagMs).toBe(5_000);
    expect(Object.keys(listed.json.pages.anthropic.components)).toEqual(['cmp-claude-api', 'cmp-console']);
    const described = await control(simulator.url, 'GET', '/_sim/status-pages/anthropic');
    expect(described.json.state.components).toHaveLength(2);

    const invalid = await control(simulator.url, 'POST', '/_sim/status-pages/anthropic', {
      components: { x: { name: 'X', targets: [] } },
      lagMs: -1,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.problems).toHaveLength(2);
    expect((await control(simulator.url, 'POST', '/_sim/status-pages/bad%20name', pageSettings)).status).toBe(400);

    expect((await control(simulator.url, 'DELETE', '/_sim/status-pages/anthropic')).json).toEqual({ removed: 1 });
    expect((await control(simulator.url, 'DELETE', '/_sim/status-pages/anthropic')).status).toBe(404);
    expect((await fetchDocument('/status/anthropic/api/v2/summary.json')).status).toBe(404);
  });

  it('takes pages from a scenario, at start and on the timeline', async () => {
    const clock = new ManualClock();
    const scenario = parseScenario({
      upstreams: { 'claude-a': { labels: ['anthropic-model-layer'] } },
      statusPages: {
        anthropic: { lagMs: 10_000, components: { api: { name: 'API', targets: ['label:anthropic-model-layer'] } } },
      },
      timeline: [
        { at: '5s', faults: [{ id: 'down', target: 'claude-a', kind: 'error', status: 529 }] },
        {
          at: '20s',
          statusPages: { openai: { lagMs: 0, components: { chat: { name: 'Chat', targets: ['gpt-*'] } } } },
        },
      ],
    });
    simulator = await startSimulator({ clock, scenario });
    expect(statusOf(await summary(), 'api')).toBe('operational');
    await clock.advance(15_000);
    expect(statusOf(await summary(), 'api')).toBe('major_outage');
    expect((await fetchDocument('/status/openai/api/v2/summary.json')).status).toBe(404);
    await clock.advance(5_000);
    await simulator.scenarioDone;
    expect(statusOf(await summary('openai'), 'chat')).toBe('operational');
  });
});
