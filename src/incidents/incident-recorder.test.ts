// The recorder between detector, store and outbox: two replicas seeing the same ejection store one
// incident and send one alert per transition; a flapping deployment costs one opened and one resolved
// alert; a store that fails delays but does not lose the opening alert.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { seededRandom } from '../util/random.js';
import type { Alert } from '../alerts/alert.js';
import { AlertDispatcher } from '../alerts/alert-dispatcher.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { InMemoryAlertOutbox } from '../alerts/in-memory-alert-outbox.js';
import { InMemoryIncidentRepository } from './in-memory-incident-repository.js';
import type { Incident } from './incident.js';
import type { IncidentRepository } from './incident-repository.js';
import { IncidentRecorder } from './incident-recorder.js';
import { createDetector } from './incident-test-kit.js';

class RecordingSink implements AlertSink {
  readonly type = 'webhook';
  readonly target = 'memory';
  readonly sent: Alert[] = [];
  constructor(readonly id: string) {}
  async send(alert: Alert) {
    this.sent.push(alert);
    return { ok: true as const, status: 200 };
  }
}

function replica(
  clock: ManualClock,
  name: string,
  shared: { repository: IncidentRepository; outbox: InMemoryAlertOutbox },
  sinks: AlertSink[],
) {
  let next = 0;
  const kit = createDetector(clock, { resolvePeriodMs: 30_000, newId: () => `${name}-inc-${(next += 1)}` });
  const dispatcher = new AlertDispatcher({ sinks, outbox: shared.outbox, clock, random: seededRandom(1), owner: name });
  const recorder = new IncidentRecorder({
    detector: kit.detector,
    repository: shared.repository,
    alerts: dispatcher,
    clock,
  });
  recorder.start();
  dispatcher.start();
  return { kit, dispatcher, recorder };
}

async function settle(clock: ManualClock, ...replicas: Array<ReturnType<typeof replica>>) {
  for (let round = 0; round < 3; round += 1) {
    for (const { recorder, dispatcher } of replicas) {
      await recorder.idle();
      await dispatcher.idle();
    }
    await clock.advance(0);
  }
}

describe('IncidentRecorder', () => {
  it('stores one incident and sends one alert per transition when two replicas see the same ejection', async () => {
    const clock = new ManualClock();
    const shared = { repository: new InMemoryIncidentRepository(), outbox: new InMemoryAlertOutbox() };
    const sinkA = new RecordingSink('hook');
    const sinkB = new RecordingSink('hook');
    const a = replica(clock, 'a', shared, [sinkA]);
    const b = replica(clock, 'b', shared, [sinkB]);

    a.kit.attempt('gpt-4o', 'server', { route: 'chat' });
    a.kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'local' });
    await settle(clock, a, b);
    await clock.advance(200); // the shared store delivers the decision to the other replica a moment later
    b.kit.attempt('gpt-4o', 'server', { route: 'chat' });
    b.kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'remote' });
    await settle(clock, a, b);

    const stored = shared.repository.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: 'a-inc-1',
      scopeKey: 'deployment:gpt-4o',
      status: 'open',
      severity: 'major',
    });
    // Replica b took a's id.
    expect(b.kit.detector.incident({ scope: 'deployment', key: 'gpt-4o' })!.id).toBe('a-inc-1');

    // Both escalate (clients failed on both) and both resolve.
    for (const side of [a, b]) {
      side.kit.detector.recordRequest({ route: 'chat', succeeded: false, status: 503, failedOver: false });
      side.kit.detector.flush();
    }
    await settle(clock, a, b);
    for (const side of [a, b]) side.kit.change('gpt-4o', 'ejected', 'healthy');
    await clock.advance(30_000);
    for (const side of [a, b]) side.kit.tick();
    await settle(clock, a, b);

    const delivered = [...sinkA.sent, ...sinkB.sent]
      .map((alert) => `${alert.incident.id}:${alert.transition}:${alert.sequence}`)
      .sort();
    expect(delivered).toEqual(['a-inc-1:escalated:3', 'a-inc-1:opened:1', 'a-inc-1:resolved:1']);
    expect(shared.repository.get('a-inc-1')).toMatchObject({ status: 'resolved', severity: 'critical' });
    expect(shared.outbox.list().map((entry) => entry.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('sends at most an opened and a resolved alert for a flapping deployment', async () => {
    const clock = new ManualClock();
    const shared = { repository: new InMemoryIncidentRepository(), outbox: new InMemoryAlertOutbox() };
    const sink = new RecordingSink('hook');
    const a = replica(clock, 'a', shared, [sink]);
    a.kit.change('claude-direct', 'healthy', 'ejected');
    for (let cycle = 0; cycle < 6; cycle += 1) {
      await clock.advance(10_000);
      a.kit.change('claude-direct', 'ejected', 'healthy');
      await clock.advance(15_000);
      a.kit.tick();
      a.recorder.tick();
      a.kit.change('claude-direct', 'healthy', 'ejected');
      await settle(clock, a);
    }
    a.kit.change('claude-direct', 'ejected', 'healthy');
    for (let second = 0; second < 31; second += 1) {
      await clock.advance(1_000);
      a.kit.tick();
      a.recorder.tick();
    }
    await settle(clock, a);
    expect(sink.sent.map((alert) => alert.transition)).toEqual(['opened', 'resolved']);
    const stored = shared.repository.list();
    expect(stored).toHaveLength(1);
    const types = stored[0]!.updates.map((update) => update.type);
    expect(types.filter((type) => type === 'relapsed')).toHaveLength(6);
    expect(types.at(-1)).toBe('resolved');
    // Each timeline entry written once.
    expect(new Set(stored[0]!.updates.map((update) => JSON.stringify(update))).size).toBe(stored[0]!.updates.length);
  });

  it('alerts an opening without a claim when the store stays down past the claim window', async () => {
    const clock = new ManualClock();
    let claims = 0;
    const failing: IncidentRepository = {
      claimOpen: async () => {
        claims += 1;
        throw new Error('connect ECONNREFUSED postgres://switchyard:hunter2@db/incidents');
      },
      update: async () => {},
    };
    const sink = new RecordingSink('hook');
    const warnings: string[] = [];
    const logger = {
      info: () => {},
      warn: (fields: object) => warnings.push(JSON.stringify(fields)),
      error: (fields: object) => warnings.push(JSON.stringify(fields)),
    };
    const kit = createDetector(clock);
    const dispatcher = new AlertDispatcher({
      sinks: [sink],
      outbox: new InMemoryAlertOutbox(),
      clock,
      random: seededRandom(1),
      owner: 'a',
    });
    const recorder = new IncidentRecorder({
      detector: kit.detector,
      repository: failing,
      alerts: dispatcher,
      clock,
      logger,
      claimRetryWindowMs: 5_000,
    });
    recorder.start();
    dispatcher.start();
    kit.change('gpt-4o', 'healthy', 'ejected');
    await clock.advance(0);
    expect(sink.sent).toHaveLength(0);
    await clock.advance(10_000);
    await recorder.idle();
    await dispatcher.idle();
    expect(claims).toBeGreaterThan(1);
    expect(sink.sent.map((alert) => alert.transition)).toEqual(['opened']);
    expect(warnings.join('\n')).not.toContain('hunter2');
  });

  it('writes the parent id once a child is grouped, with the parent claimed first', async () => {
    const clock = new ManualClock();
    const shared = { repository: new InMemoryIncidentRepository(), outbox: new InMemoryAlertOutbox() };
    const a = replica(clock, 'a', shared, [new RecordingSink('hook')]);
    a.kit.change('claude-direct', 'healthy', 'ejected');
    await settle(clock, a);
    a.kit.change('claude-bedrock', 'healthy', 'ejected');
    a.kit.domain('anthropic-model-layer', 'degraded');
    await settle(clock, a);
    a.recorder.tick();
    await settle(clock, a);
    const byScope = new Map(shared.repository.list().map((incident: Incident) => [incident.scopeKey, incident]));
    const domain = byScope.get('domain:anthropic-model-layer')!;
    expect(byScope.get('deployment:claude-direct')!.parentId).toBe(domain.id);
    expect(byScope.get('deployment:claude-bedrock')!.parentId).toBe(domain.id);
  });
});
