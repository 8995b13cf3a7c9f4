// Two gateway replicas on one SQLite file, end to end: each runs startIncidents (detector, recorder,
// dispatcher) on its own store instance, agreeing on ids and claiming alerts through the store (what
// replicas without Redis share), both watch the same HealthTracker
// (both see the outage), and a local webhook receiver gets the alerts. One ejection and its recovery
// must give one incident in the store with its timeline, and one delivered alert per transition.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../src/canonical/attempt.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { startAlertReceiver, verifyWebhookSignature, type AlertReceiver } from '../../src/alerts/alert-receiver.js';
import type { WebhookBody } from '../../src/alerts/webhook-sink.js';
import { alertsSchema } from '../../src/alerts/alerts-config.js';
import { incidentsSectionSchema } from '../../src/incidents/incidents-config.js';
import { startIncidents, type RunningIncidents } from '../../src/incidents/start-incidents.js';
import type { IncidentStore } from '../../src/history/store/incident-store.js';
import { SqliteStore } from '../../src/history/store/sqlite-store.js';
import Database from 'better-sqlite3';
import { storeDeliveryClaims } from '../../src/alerts/store-delivery-claims.js';
import { StoreAvailability } from '../../src/history/store/store-availability.js';
import { storeIncidentIdentities } from '../../src/incidents/incident-identity.js';
import { seededRandom } from '../../src/util/random.js';
import { ManualClock } from '../support/manual-clock.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const deployments = [
  { id: 'claude-direct', provider: 'anthropic', domains: ['anthropic-model-layer'] },
  { id: 'claude-bedrock', provider: 'bedrock', domains: ['anthropic-model-layer'] },
];

describe('two replicas sharing one SQLite store', () => {
  it('store the incident once and deliver one alert per transition for an ejection and its recovery', async () => {
    const receiver: AlertReceiver = await startAlertReceiver();
    cleanups.push(() => receiver.close());
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-replicas-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const path = join(folder, 'switchyard.db');
    const clock = new ManualClock();
    const tracker = new HealthTracker({
      clock,
      deployments,
      defaults: { consecutiveFailures: 3, maximumConsecutiveFailures: 3, baseEjectionMs: 5_000 },
    });

    const stores: IncidentStore[] = [];
    const replicas: RunningIncidents[] = [];
    for (const [index, owner] of ['replica-1', 'replica-2'].entries()) {
      const store = await SqliteStore.open(path, { clock, replicaId: owner });
      stores.push(store);
      cleanups.push(() => store.close());
      replicas.push(
        startIncidents({
          alerts: alertsSchema.parse([{ type: 'webhook', url: `${receiver.url}/alerts`, secret: 'demo-secret' }]),
          incidents: incidentsSectionSchema.parse({ resolvePeriodMs: 10_000 }),
          deployments,
          tracker,
          clock,
          random: seededRandom(index + 1),
          owner,
          store,
          identities: storeIncidentIdentities(store, new StoreAvailability(), {
            schedule: (ms, task) => clock.schedule(ms, task),
          }),
          claims: storeDeliveryClaims(store, new StoreAvailability()),
        }),
      );
    }
    let stopped = false;
    const stopAll = async () => {
      if (stopped) return;
      stopped = true;
      for (const replica of replicas) await replica.stop();
    };
    cleanups.push(stopAll);
    const settle = async () => {
      for (let round = 0; round < 3; round += 1) {
        for (const replica of replicas) {
          await replica.recorder.idle();
          await replica.dispatcher.idle();
        }
        await clock.advance(0);
      }
    };

    const down: AttemptOutcome = { kind: 'server', latencyMs: 20, status: 500 };
    for (let index = 0; index < 3; index += 1) {
      await clock.advance(100);
      tracker.record('claude-direct', down);
    }
    expect(tracker.snapshot().deployments[0]).toMatchObject({ id: 'claude-direct', state: 'ejected' });
    const [opened] = await receiver.waitFor(1);
    await settle();
    expect(verifyWebhookSignature(opened!.rawBody, opened!.headers['x-switchyard-signature'], 'demo-secret')).toBe(
      true,
    );
    const openedBody = opened!.body as WebhookBody;
    expect(openedBody).toMatchObject({
      transition: 'opened',
      incident: { scopeKey: 'deployment:claude-direct', severity: 'major' },
    });
    // Both detectors opened it; the loser adopted the winner's id.
    const open = replicas.map(
      (replica) => replica.detector.incident({ scope: 'deployment', key: 'claude-direct' })?.id,
    );
    expect(open).toEqual([openedBody.incident.id, openedBody.incident.id]);
    // Poll rounds on both replicas send nothing more.
    for (let second = 0; second < 3; second += 1) await clock.advance(1_000);
    await settle();
    expect(receiver.received).toHaveLength(1);

    // Probing after the ejection time, one good trial → healthy; resolved 10 s later on both replicas.
    await clock.advance(5_000);
    tracker.order(['claude-direct']);
    tracker.admit('claude-direct');
    tracker.record('claude-direct', { kind: 'success', latencyMs: 100 });
    for (let second = 0; second < 12; second += 1) await clock.advance(1_000);
    const [, resolved] = await receiver.waitFor(2);
    expect(resolved!.body).toMatchObject({
      transition: 'resolved',
      incident: { id: openedBody.incident.id, status: 'resolved' },
    });
    // Another minute of ticks, polls and periodic writes on both replicas, then a clean stop.
    for (let second = 0; second < 60; second += 1) await clock.advance(1_000);
    await settle();
    await stopAll();

    expect(receiver.received.map((request) => request.headers['idempotency-key'])).toEqual([
      `${openedBody.incident.id}:opened:1`,
      `${openedBody.incident.id}:resolved:1`,
    ]);
    const [, secondStore] = stores as [IncidentStore, IncidentStore];
    const incidents = await secondStore.listIncidents({ since: 0 });
    expect(incidents).toHaveLength(1);
    const [stored] = incidents;
    expect(stored).toMatchObject({
      id: openedBody.incident.id,
      scope: 'deployment',
      key: 'claude-direct',
      status: 'resolved',
      severity: 'major',
      title: openedBody.incident.title,
      alerting: true,
    });
    expect(stored!.evidence).toMatchObject({ deployments: ['claude-direct'] });
    // Both replicas wrote the timeline as they saw it; the same events are stored once.
    expect(stored!.updates.map((update) => update.type)).toEqual([
      'opened',
      'state-change',
      'state-change',
      'recovering',
      'resolved',
    ]);
    expect(stored!.updates[0]).toMatchObject({
      type: 'opened',
      severity: 'major',
      message: expect.stringContaining('claude-direct ejected'),
    });
    const database = new Database(path, { readonly: true });
    const deliveries = database.prepare('SELECT dedup_key, status, attempts FROM alert_outbox ORDER BY id').all();
    database.close();
    expect(deliveries).toEqual([
      { dedup_key: `${openedBody.incident.id}:opened:1`, status: 'sent', attempts: 1 },
      { dedup_key: `${openedBody.incident.id}:resolved:1`, status: 'sent', attempts: 1 },
    ]);
  });
});
