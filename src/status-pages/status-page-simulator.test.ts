// The poller against the simulator's status pages, feeding the real incident detector: the page
// acknowledges a fault after its lag, and the incident records the lead time we had over it.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { startSimulator, type RunningSimulator } from '../simulator/simulator.js';
import { createDetector, placements } from '../incidents/incident-test-kit.js';
import type { StatusPageAcknowledgementEvent } from './acknowledgement-tracker.js';
import { recordAcknowledgementsWith, scopeOfTarget } from './record-acknowledgements.js';
import { statusPageConfigSchema } from './status-page-config.js';
import { StatusPagePoller } from './status-page-poller.js';

let simulator: RunningSimulator | undefined;
let poller: StatusPagePoller | undefined;

afterEach(async () => {
  await poller?.stop();
  await simulator?.close();
  poller = undefined;
  simulator = undefined;
});

const intervalMs = 10_000;

async function setUp(lagMs: number) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  simulator = await startSimulator({ clock });
  simulator.configureUpstream('sim-claude-direct', { labels: ['anthropic-model-layer'] });
  simulator.configureUpstream('sim-claude-bedrock', { labels: ['anthropic-model-layer', 'aws-us-east-1'] });
  simulator.statusPages.configure('anthropic', {
    lagMs,
    components: {
      'cmp-api': { name: 'Claude API', targets: ['label:anthropic-model-layer'] },
      'cmp-console': { name: 'Console', targets: ['console'] },
    },
  });
  const kit = createDetector(clock, { resolvePeriodMs: 30_000 });
  const offered: StatusPageAcknowledgementEvent[] = [];
  const record = recordAcknowledgementsWith(kit.detector, placements);
  const page = statusPageConfigSchema.parse({
    name: 'anthropic',
    url: `${simulator.url}/status/anthropic`,
    components: { 'cmp-api': ['anthropic-model-layer'], 'cmp-console': ['claude-direct'] },
    intervalMs,
    timeoutMs: 5_000,
  });
  poller = new StatusPagePoller({
    pages: [page],
    clock,
    onAcknowledgement: (event) => {
      offered.push(event);
      const taken = record(event);
      kit.detector.flush();
      return taken;
    },
  });
  poller.start();
  await poller.whenIdle();
  const advance = async (ms: number) => {
    for (let moved = 0; moved < ms; moved += intervalMs) {
      await clock.advance(Math.min(intervalMs, ms - moved));
      await poller!.whenIdle();
    }
  };
  return { clock, kit, offered, advance, simulator };
}

describe('status page poller against the simulator', () => {
  it('records the page acknowledging a domain outage after its lag, with our lead time, once', async () => {
    const { clock, kit, offered, advance, simulator } = await setUp(120_000);
    const faultAt = clock.now();
    simulator.faults.add({ id: 'layer-down', target: 'label:anthropic-model-layer', kind: 'error', status: 529 });

    // Our own traffic notices within seconds.
    await clock.advance(2_000);
    kit.attempt('claude-direct', 'overloaded');
    kit.change('claude-direct', 'healthy', 'ejected');
    await clock.advance(1_000);
    kit.change('claude-bedrock', 'healthy', 'ejected');
    kit.domain('anthropic-model-layer', 'degraded');
    const domainDetectedAt = clock.now();
    expect(kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })?.statusPage).toBeNull();

    await advance(7_000 + 100_000);
    expect(offered).toEqual([]);
    expect(poller!.current()[0]).toMatchObject({ indicator: 'none', affectedComponents: [] });

    await advance(20_000);
    expect(offered).toHaveLength(1);
    expect(offered[0]).toMatchObject({
      page: 'anthropic',
      components: ['cmp-api'],
      acknowledgedAt: faultAt + 120_000,
      deployments: ['anthropic-model-layer'],
    });
    const incident = kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })!;
    expect(incident.statusPage).toEqual({
      page: 'anthropic',
      incidentId: offered[0]!.incidentId,
      acknowledgedAt: faultAt + 120_000,
      leadTimeMs: faultAt + 120_000 - domainDetectedAt,
    });
    expect(incident.statusPage!.leadTimeMs).toBe(117_000);
    expect(kit.types()).toContain('status-page-acknowledged:domain:anthropic-model-layer');
    expect(poller!.current()[0]).toMatchObject({
      indicator: 'critical',
      affectedComponents: [{ id: 'cmp-api', status: 'major_outage', targets: ['anthropic-model-layer'] }],
    });

    // Polled many more times while the outage lasts: still the one acknowledgement.
    await advance(120_000);
    expect(offered).toHaveLength(1);

    // Removed: the page recovers a lag later and the summary no longer lists the incident.
    simulator.faults.remove('layer-down');
    await advance(110_000);
    expect(poller!.current()[0]!.unresolvedIncidents).toHaveLength(1);
    await advance(20_000);
    expect(poller!.current()[0]).toMatchObject({ indicator: 'none', unresolvedIncidents: [], affectedComponents: [] });
    expect(offered).toHaveLength(1);
  });

  it('keeps offering an acknowledgement the page made before our detection, and records it once we have an incident', async () => {
    const { clock, kit, offered, advance, simulator } = await setUp(10_000);
    const faultAt = clock.now();
    simulator.faults.add({ target: 'console', kind: 'hang' });
    await advance(40_000);
    // Declined on every poll since t+10 s: no incident of ours yet.
    expect(offered.map((event) => event.acknowledgedAt)).toEqual([
      faultAt + 10_000,
      faultAt + 10_000,
      faultAt + 10_000,
      faultAt + 10_000,
    ]);
    kit.change('claude-direct', 'healthy', 'ejected');
    const detectedAt = clock.now();
    await advance(30_000);
    expect(offered).toHaveLength(5);
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })!.statusPage).toMatchObject({
      acknowledgedAt: faultAt + 10_000,
      leadTimeMs: faultAt + 10_000 - detectedAt,
    });
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })!.statusPage!.leadTimeMs).toBe(-30_000);
  });

  it('rides out the simulated page answering HTML, malformed JSON and 404, and reads it again after', async () => {
    const { advance, simulator } = await setUp(0);
    const errors: Array<string | null> = [];
    for (const serve of ['html', 'malformed', 'not-found', 'error', 'json'] as const) {
      simulator.statusPages.configure('anthropic', { serve });
      await advance(intervalMs);
      errors.push(poller!.current()[0]!.lastError);
    }
    expect(errors).toEqual([
      'answered HTML, not Statuspage JSON',
      'answered malformed JSON',
      'answered HTTP 404 (HTML)',
      'answered HTTP 503 (HTML)',
      null,
    ]);
  });
});

describe('scopeOfTarget', () => {
  it('reads a target as a deployment, then a domain, then a provider', () => {
    expect(scopeOfTarget('claude-bedrock', placements)).toEqual({ scope: 'deployment', key: 'claude-bedrock' });
    expect(scopeOfTarget('aws-us-east-1', placements)).toEqual({ scope: 'domain', key: 'aws-us-east-1' });
    expect(scopeOfTarget('openai', placements)).toEqual({ scope: 'provider', key: 'openai' });
    expect(scopeOfTarget('not-configured', placements)).toEqual({ scope: 'deployment', key: 'not-configured' });
  });
});
