// The recorder between detector, store and alerts, on real SQLite stores (two instances on one file are
// two replicas sharing a database): two replicas seeing the same ejection store one incident and send
// one alert per transition; a flapping deployment costs one opened and one resolved alert; a store that
// is down delays nothing: the alert goes out at once and the incident is written when the store returns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { Alert } from '../alerts/alert.js';
import { AlertDispatcher } from '../alerts/alert-dispatcher.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import { storeDeliveryClaims } from '../alerts/store-delivery-claims.js';
import type { IncidentStore } from '../history/store/incident-store.js';
import { SqliteStore } from '../history/store/sqlite-store.js';
import { StoreAvailability } from '../history/store/store-availability.js';
import { seededRandom } from '../util/random.js';
import type { Incident } from './incident.js';
import { storeIncidentIdentities } from './incident-identity.js';
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

const folders: string[] = [];
const stores: IncidentStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A database file; each call of the returned function is another replica's store on it. */
function database(clock: ManualClock): (replicaId: string) => Promise<SqliteStore> {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-recorder-'));
  folders.push(folder);
  return async (replicaId) => {
    const store = await SqliteStore.open(join(folder, 'history.db'), { clock, replicaId });
    stores.push(store);
    return store;
  };
}

/** The store with a switch that makes every call fail as if the database were unreachable. */
class SwitchableStore implements Pick<IncidentStore, 'saveIncident' | 'claimAlertDelivery' | 'recordAlertOutcome'> {
  down = false;
  calls = 0;
  constructor(private readonly inner: IncidentStore) {}
  private check(): void {
    this.calls += 1;
    if (this.down) throw new Error('connect ECONNREFUSED postgres://switchyard:hunter2@db/incidents');
  }
  async saveIncident(incident: Incident) {
    this.check();
    return this.inner.saveIncident(incident);
  }
  async claimAlertDelivery(...parameters: Parameters<IncidentStore['claimAlertDelivery']>) {
    this.check();
    return this.inner.claimAlertDelivery(...parameters);
  }
  async recordAlertOutcome(...parameters: Parameters<IncidentStore['recordAlertOutcome']>) {
    this.check();
    return this.inner.recordAlertOutcome(...parameters);
  }
}

function captureLogs() {
  const lines: string[] = [];
  const log = (fields: object, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, info: log, warn: log, error: log };
}

function replica(
  clock: ManualClock,
  name: string,
  store: Pick<IncidentStore, 'saveIncident' | 'claimAlertDelivery' | 'recordAlertOutcome'>,
  sinks: AlertSink[],
  logger?: ReturnType<typeof captureLogs>,
) {
  let next = 0;
  const kit = createDetector(clock, { resolvePeriodMs: 30_000, newId: () => `${name}-inc-${(next += 1)}` });
  const availability = new StoreAvailability(logger);
  const schedule = (ms: number, task: () => void) => clock.schedule(ms, task);
  const dispatcher = new AlertDispatcher({
    sinks,
    claims: storeDeliveryClaims(store, availability),
    clock,
    random: seededRandom(1),
    owner: name,
    ...(logger ? { logger } : {}),
  });
  const recorder = new IncidentRecorder({
    detector: kit.detector,
    store,
    identities: storeIncidentIdentities(store, availability, { schedule }),
    availability,
    alerts: dispatcher,
    clock,
    ...(logger ? { logger } : {}),
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
    const open = database(clock);
    const storeA = await open('a');
    const sinkA = new RecordingSink('hook');
    const sinkB = new RecordingSink('hook');
    const a = replica(clock, 'a', storeA, [sinkA]);
    const b = replica(clock, 'b', await open('b'), [sinkB]);

    a.kit.attempt('gpt-4o', 'server', { route: 'chat' });
    a.kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'local' });
    await settle(clock, a, b);
    await clock.advance(200); // the shared store delivers the decision to the other replica a moment later
    b.kit.attempt('gpt-4o', 'server', { route: 'chat' });
    b.kit.change('gpt-4o', 'healthy', 'ejected', { origin: 'remote' });
    await settle(clock, a, b);

    const stored = await storeA.listIncidents({ since: 0 });
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
    expect(await storeA.getIncident('a-inc-1')).toMatchObject({ status: 'resolved', severity: 'critical' });
    const statuses = [...a.dispatcher.list(), ...b.dispatcher.list()].map((delivery) => delivery.status).sort();
    expect(statuses).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'sent elsewhere',
      'sent elsewhere',
      'sent elsewhere',
    ]);
  });

  it('sends at most an opened and a resolved alert for a flapping deployment', async () => {
    const clock = new ManualClock();
    const store = await database(clock)('a');
    const sink = new RecordingSink('hook');
    const a = replica(clock, 'a', store, [sink]);
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
    const stored = await store.listIncidents({ since: 0 });
    expect(stored).toHaveLength(1);
    const types = stored[0]!.updates.map((update) => update.type);
    expect(types.filter((type) => type === 'relapsed')).toHaveLength(6);
    expect(types.at(-1)).toBe('resolved');
    // Each timeline entry written once.
    expect(new Set(stored[0]!.updates.map((update) => JSON.stringify(update))).size).toBe(stored[0]!.updates.length);
  });

  it('alerts at once while the store is down and writes the incident when it returns, logging the outage once each way', async () => {
    const clock = new ManualClock();
    const inner = await database(clock)('a');
    const store = new SwitchableStore(inner);
    const sink = new RecordingSink('hook');
    const logs = captureLogs();
    const a = replica(clock, 'a', store, [sink], logs);
    store.down = true;
    a.kit.change('gpt-4o', 'healthy', 'ejected');
    await settle(clock, a);
    // The alert did not wait for the store.
    expect(sink.sent.map((alert) => `${alert.incident.id}:${alert.transition}`)).toEqual(['a-inc-1:opened']);
    for (let second = 0; second < 40; second += 1) {
      await clock.advance(1_000);
      a.recorder.tick();
      await settle(clock, a);
    }
    a.kit.change('gpt-4o', 'ejected', 'healthy');
    await clock.advance(30_000);
    a.kit.tick();
    await settle(clock, a);
    expect(sink.sent.map((alert) => alert.transition)).toEqual(['opened', 'resolved']);
    expect(store.calls).toBeGreaterThan(3);
    expect(a.recorder.pending).toBe(1);
    expect(await inner.listIncidents({ since: 0 })).toEqual([]);

    store.down = false;
    await clock.advance(30_000);
    await settle(clock, a);
    expect(a.recorder.pending).toBe(0);
    const stored = await inner.listIncidents({ since: 0 });
    expect(stored.map((incident) => [incident.id, incident.status])).toEqual([['a-inc-1', 'resolved']]);
    expect(stored[0]!.updates.map((update) => update.type)).toEqual(
      ['opened', 'state-change', 'recovering', 'resolved'].filter((type) =>
        stored[0]!.updates.some((update) => update.type === type),
      ),
    );
    const outage = logs.lines.filter((line) => line.startsWith('incident store unavailable'));
    const back = logs.lines.filter((line) => line.startsWith('incident store available again'));
    expect([outage.length, back.length]).toEqual([1, 1]);
    expect(logs.lines.join('\n')).not.toContain('hunter2');
  });

  it('retries a write the store never answers, instead of letting it hold every later write', async () => {
    const clock = new ManualClock();
    const inner = await database(clock)('a');
    // While `hanging`, saves never settle, like queries on a connection the server dropped silently.
    let hanging = true;
    let hungSaves = 0;
    const store: Pick<IncidentStore, 'saveIncident' | 'claimAlertDelivery' | 'recordAlertOutcome'> = {
      saveIncident: (incident) => {
        if (!hanging) return inner.saveIncident(incident);
        hungSaves += 1;
        return new Promise<Incident>(() => {});
      },
      claimAlertDelivery: (...parameters) => inner.claimAlertDelivery(...parameters),
      recordAlertOutcome: (...parameters) => inner.recordAlertOutcome(...parameters),
    };
    const logs = captureLogs();
    const a = replica(clock, 'a', store, [new RecordingSink('hook')], logs);
    a.kit.change('gpt-4o', 'healthy', 'ejected');
    for (let second = 0; second < 15; second += 1) await clock.advance(1_000);
    // The identity's save and the recorder's first write hung; the write was given up and retried.
    expect(hungSaves).toBeGreaterThanOrEqual(3);
    expect(a.recorder.pending).toBe(1);
    hanging = false;
    for (let second = 0; second < 15; second += 1) await clock.advance(1_000);
    await settle(clock, a);
    expect(a.recorder.pending).toBe(0);
    expect((await inner.listIncidents({ since: 0 })).map((incident) => incident.scopeKey)).toEqual([
      'deployment:gpt-4o',
    ]);
    expect(logs.lines.filter((line) => line.startsWith('incident store unavailable'))).toHaveLength(1);
  });

  it('writes the parent id once a child is grouped, with the parent claimed first', async () => {
    const clock = new ManualClock();
    const store = await database(clock)('a');
    const a = replica(clock, 'a', store, [new RecordingSink('hook')]);
    a.kit.change('claude-direct', 'healthy', 'ejected');
    await settle(clock, a);
    a.kit.change('claude-bedrock', 'healthy', 'ejected');
    a.kit.domain('anthropic-model-layer', 'degraded');
    await settle(clock, a);
    a.recorder.tick();
    await settle(clock, a);
    const byScope = new Map(
      (await store.listIncidents({ since: 0 })).map((incident: Incident) => [incident.scopeKey, incident]),
    );
    const domain = byScope.get('domain:anthropic-model-layer')!;
    expect(byScope.get('deployment:claude-direct')!.parentId).toBe(domain.id);
    expect(byScope.get('deployment:claude-bedrock')!.parentId).toBe(domain.id);
  });
});
