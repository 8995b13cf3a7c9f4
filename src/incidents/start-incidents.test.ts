// End to end in one process: a real HealthTracker ejects a deployment from recorded outcomes, and the
// opened alert reaches a local webhook receiver, signed; after recovery, the resolved alert follows.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import { HealthTracker } from '../health/health-tracker.js';
import { seededRandom } from '../util/random.js';
import { startAlertReceiver, verifyWebhookSignature, type AlertReceiver } from '../alerts/alert-receiver.js';
import type { WebhookBody } from '../alerts/webhook-sink.js';
import { SqliteStore } from '../history/store/sqlite-store.js';
import { alertsSchema } from '../alerts/alerts-config.js';
import { incidentsSectionSchema } from './incidents-config.js';
import { startIncidents } from './start-incidents.js';

let receiver: AlertReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('startIncidents', () => {
  it('alerts an ejection seconds after it, and its resolution after the healthy period', async () => {
    receiver = await startAlertReceiver();
    const clock = new ManualClock();
    const deployments = [
      { id: 'claude-direct', provider: 'anthropic', domains: ['anthropic-model-layer'] },
      { id: 'claude-bedrock', provider: 'bedrock', domains: ['anthropic-model-layer'] },
    ];
    const tracker = new HealthTracker({
      clock,
      deployments,
      defaults: { consecutiveFailures: 3, maximumConsecutiveFailures: 3, baseEjectionMs: 5_000 },
    });
    // SQLite in memory: the real store, as fast as a stand-in.
    const store = await SqliteStore.open(':memory:', { clock });
    const incidents = startIncidents({
      alerts: alertsSchema.parse([{ type: 'webhook', url: `${receiver.url}/alerts`, secret: 'demo-secret' }]),
      incidents: incidentsSectionSchema.parse({ resolvePeriodMs: 10_000 }),
      deployments,
      tracker,
      clock,
      random: seededRandom(3),
      owner: 'replica-1',
      store,
    });
    const down: AttemptOutcome = { kind: 'server', latencyMs: 20, status: 500 };
    for (let index = 0; index < 3; index += 1) {
      await clock.advance(100);
      tracker.record('claude-direct', down);
    }
    expect(tracker.snapshot().deployments[0]).toMatchObject({ id: 'claude-direct', state: 'ejected' });
    // Delivered without the clock moving: the opening goes out at once, not on the next tick or poll.
    const [opened] = await receiver.waitFor(1);
    expect(verifyWebhookSignature(opened!.rawBody, opened!.headers['x-switchyard-signature'], 'demo-secret')).toBe(
      true,
    );
    expect(opened!.body).toMatchObject({
      transition: 'opened',
      incident: { scopeKey: 'deployment:claude-direct', severity: 'major' },
    });

    // Probing after the ejection time, one good trial → healthy; resolved 10 s later.
    await clock.advance(5_000);
    tracker.order(['claude-direct']);
    tracker.admit('claude-direct');
    tracker.record('claude-direct', { kind: 'success', latencyMs: 100 });
    for (let second = 0; second < 12; second += 1) await clock.advance(1_000);
    const [, resolved] = await receiver.waitFor(2);
    const body = resolved!.body as WebhookBody;
    expect(body.transition).toBe('resolved');
    expect(body.incident.id).toBe((opened!.body as WebhookBody).incident.id);
    await incidents.stop();
    expect(await store.listIncidents({ since: 0 })).toMatchObject([
      { scopeKey: 'deployment:claude-direct', status: 'resolved' },
    ]);
    await store.close();
  });
});
