// When a page's summary makes an acknowledgement due: once per provider incident, once per
// non-operational stretch of a component, again only for what the receiver did not take.
import { describe, expect, it } from 'vitest';
import { AcknowledgementTracker } from './acknowledgement-tracker.js';
import type { StatuspageSummary } from './statuspage-summary.js';

const config = {
  name: 'anthropic',
  components: {
    api: ['claude-direct', 'claude-bedrock'],
    console: ['anthropic-model-layer'],
    unused: ['claude-vertex'],
  },
};

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function summary(
  components: Record<string, string>,
  incidents: StatuspageSummary['incidents'] = [],
): StatuspageSummary {
  return {
    indicator: 'major',
    description: null,
    components: Object.entries(components).map(([id, status]) => ({ id, name: id, status })),
    incidents,
  };
}

function incident(
  id: string,
  componentIds: string[],
  createdAt: number | null = t0 - 30_000,
): StatuspageSummary['incidents'][number] {
  return { id, name: `Elevated errors ${id}`, status: 'investigating', impact: 'major', createdAt, componentIds };
}

describe('AcknowledgementTracker', () => {
  it('announces a provider incident once, at its created_at, for the deployments its mapped components cover', () => {
    const tracker = new AcknowledgementTracker(config);
    const page = summary({ api: 'major_outage', console: 'operational', other: 'major_outage' }, [
      incident('inc1', ['api', 'other']),
    ]);
    const due = tracker.due(page, t0);
    expect(due.map((pending) => pending.event)).toEqual([
      {
        page: 'anthropic',
        components: ['api'],
        incidentId: 'inc1',
        incidentName: 'Elevated errors inc1',
        acknowledgedAt: t0 - 30_000,
        deployments: ['claude-direct', 'claude-bedrock'],
      },
    ]);
    tracker.announced(due[0]!, undefined);
    expect(tracker.due(page, t0 + 60_000)).toEqual([]);
    expect(tracker.due(page, t0 + 120_000)).toEqual([]);
  });

  it('announces again only the targets of a component that joins the incident later', () => {
    const tracker = new AcknowledgementTracker(config);
    for (const pending of tracker.due(summary({ api: 'major_outage' }, [incident('inc1', ['api'])]), t0))
      tracker.announced(pending, true);
    const later = tracker.due(
      summary({ api: 'major_outage', console: 'partial_outage' }, [incident('inc1', ['api', 'console'])]),
      t0 + 60_000,
    );
    expect(
      later.map((pending) => [pending.event.incidentId, pending.event.components, pending.event.deployments]),
    ).toEqual([['inc1', ['api', 'console'], ['anthropic-model-layer']]]);
  });

  it('announces a non-operational component without an incident at the time it was first seen, once per stretch', () => {
    const tracker = new AcknowledgementTracker(config);
    const first = tracker.due(summary({ api: 'degraded_performance', console: 'operational' }), t0);
    expect(first.map((pending) => pending.event)).toEqual([
      { page: 'anthropic', components: ['api'], acknowledgedAt: t0, deployments: ['claude-direct', 'claude-bedrock'] },
    ]);
    tracker.announced(first[0]!, undefined);
    expect(tracker.due(summary({ api: 'partial_outage' }), t0 + 60_000)).toEqual([]);
    expect(tracker.due(summary({ api: 'operational' }), t0 + 120_000)).toEqual([]);
    const again = tracker.due(summary({ api: 'under_maintenance' }), t0 + 180_000);
    expect(again.map((pending) => pending.event.acknowledgedAt)).toEqual([t0 + 180_000]);
  });

  it('leaves a component to the incident that lists it, and uses first sight when created_at is missing', () => {
    const tracker = new AcknowledgementTracker(config);
    const due = tracker.due(
      summary({ api: 'major_outage', console: 'major_outage' }, [incident('inc2', ['api'], null)]),
      t0,
    );
    expect(
      due.map((pending) => [pending.key.kind, pending.event.incidentId ?? null, pending.event.acknowledgedAt]),
    ).toEqual([
      ['incident', 'inc2', t0],
      ['component', null, t0],
    ]);
  });

  it('offers declined acknowledgements again with the same time, and only the untaken targets of a partial take', () => {
    const tracker = new AcknowledgementTracker(config);
    const page = summary({ api: 'major_outage' }, [incident('inc1', ['api'])]);
    const first = tracker.due(page, t0);
    tracker.announced(first[0]!, false);
    const second = tracker.due(page, t0 + 60_000);
    expect(second.map((pending) => [pending.event.acknowledgedAt, pending.event.deployments])).toEqual([
      [t0 - 30_000, ['claude-direct', 'claude-bedrock']],
    ]);
    tracker.announced(second[0]!, ['claude-bedrock']);
    expect(tracker.due(page, t0 + 120_000).map((pending) => pending.event.deployments)).toEqual([['claude-direct']]);
  });

  it('ignores incidents that list no mapped component, and a new provider incident is announced on its own', () => {
    const tracker = new AcknowledgementTracker(config);
    expect(tracker.due(summary({ api: 'operational' }, [incident('elsewhere', ['other'])]), t0)).toEqual([]);
    for (const pending of tracker.due(summary({}, [incident('inc1', ['api'])]), t0)) tracker.announced(pending, true);
    const next = tracker.due(summary({}, [incident('inc3', ['api'], t0 + 3_600_000)]), t0 + 3_600_000);
    expect(next.map((pending) => pending.event.incidentId)).toEqual(['inc3']);
  });
});
