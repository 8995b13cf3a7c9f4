// The dispatcher against local receivers, time driven by a ManualClock: retries on a 500 and on a
// receiver that is down and comes back on the same port, retry-after respected, the retry window
// honoured, two replicas sharing their delivery claims delivering each alert once, an alert sent even
// when claims cannot be made, a hung sink delaying nobody, and no secret in any log line.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { seededRandom } from '../util/random.js';
import type { Alert } from './alert.js';
import { AlertDispatcher, type AlertLogger } from './alert-dispatcher.js';
import { startAlertReceiver, type AlertReceiver, type ReceiverAnswer } from './alert-receiver.js';
import type { AlertSink } from './alert-sink.js';
import { sampleAlert } from './alert-test-kit.js';
import { type DeliveryClaims, processClaims } from './delivery-claims.js';
import { PagerDutySink } from './pagerduty-sink.js';
import { SlackSink } from './slack-sink.js';
import { WebhookSink } from './webhook-sink.js';

const receivers: AlertReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(answer?: (index: number) => ReceiverAnswer, port?: number): Promise<AlertReceiver> {
  const started = await startAlertReceiver({
    ...(answer ? { answer: (_request, index) => answer(index) } : {}),
    ...(port ? { port } : {}),
  });
  receivers.push(started);
  return started;
}

function captureLogs(): AlertLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (fields: object, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, info: log, warn: log, error: log };
}

function dispatcherFor(
  clock: ManualClock,
  sinks: AlertSink[],
  claims: DeliveryClaims = processClaims(),
  owner = 'replica-a',
  extra: { logger?: AlertLogger; retryWindowMs?: number } = {},
) {
  const dispatcher = new AlertDispatcher({ sinks, claims, clock, random: seededRandom(7), owner, ...extra });
  return { dispatcher, outbox: { list: () => dispatcher.list() } };
}

async function settle(clock: ManualClock, ...dispatchers: AlertDispatcher[]) {
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.idle()));
    await clock.advance(0);
  }
}

describe('AlertDispatcher', () => {
  it('retries after a 500 with backoff on the injected clock, then delivers', async () => {
    const clock = new ManualClock();
    const hook = await receiver((index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 200 }));
    const { dispatcher, outbox } = dispatcherFor(clock, [
      new WebhookSink('hook', { type: 'webhook', url: hook.url, secret: 's' }),
    ]);
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await settle(clock, dispatcher);
    expect(hook.received).toHaveLength(1);
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('answered 500'),
    });

    // The first backoff is between 0.5 and 1 s: nothing before 500 ms, delivered by 1 s.
    await clock.advance(400);
    await settle(clock, dispatcher);
    expect(hook.received).toHaveLength(1);
    await clock.advance(600);
    await settle(clock, dispatcher);
    expect(hook.received).toHaveLength(2);
    expect(outbox.list()[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    // The same idempotency key on both attempts.
    expect(hook.received.map((request) => request.headers['idempotency-key'])).toEqual([
      'inc_7f3a:opened:1',
      'inc_7f3a:opened:1',
    ]);
    await dispatcher.stop();
  });

  it('keeps an alert while the receiver is down and delivers it once it is back on the same port', async () => {
    const clock = new ManualClock();
    const probe = await receiver();
    const port = probe.port;
    await probe.close();
    receivers.splice(receivers.indexOf(probe), 1);

    const { dispatcher, outbox } = dispatcherFor(clock, [
      new SlackSink('slack', { type: 'slack', url: `http://127.0.0.1:${port}/services/T/B/X` }),
    ]);
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await settle(clock, dispatcher);
    // Refused, then again after each backoff while it stays down.
    for (let second = 0; second < 5; second += 1) {
      await clock.advance(1_000);
      await settle(clock, dispatcher);
    }
    const down = outbox.list()[0]!;
    expect(down.status).toBe('pending');
    expect(down.attempts).toBeGreaterThanOrEqual(3);
    expect(down.lastError).toMatch(/ECONNREFUSED/);
    expect(down.lastError).not.toContain('/services/');

    const back = await receiver(undefined, port);
    await clock.advance(60_000);
    await settle(clock, dispatcher);
    expect(back.received).toHaveLength(1);
    expect(outbox.list()[0]).toMatchObject({ status: 'delivered' });
    await dispatcher.stop();
  });

  it('waits as long as a 429 retry-after asks', async () => {
    const clock = new ManualClock();
    const pagerduty = await receiver((index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 202 },
    );
    const { dispatcher, outbox } = dispatcherFor(clock, [
      new PagerDutySink('pd', { type: 'pagerduty', routingKey: 'rk', url: pagerduty.url }),
    ]);
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await settle(clock, dispatcher);
    await clock.advance(29_000);
    await settle(clock, dispatcher);
    expect(pagerduty.received).toHaveLength(1);
    await clock.advance(1_000);
    await settle(clock, dispatcher);
    expect(pagerduty.received).toHaveLength(2);
    expect(outbox.list()[0]!.status).toBe('delivered');
    await dispatcher.stop();
  });

  it('retries until the end of the retry window, the last attempt at its end, then gives up', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const hook = await receiver(() => ({ status: 502 }));
    const logs = captureLogs();
    const { dispatcher, outbox } = dispatcherFor(
      clock,
      [new WebhookSink('hook', { type: 'webhook', url: hook.url, secret: 's', retryWindowMs: 20_000 })],
      undefined,
      'a',
      { logger: logs },
    );
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    for (let second = 0; second <= 25; second += 1) {
      await settle(clock, dispatcher);
      await clock.advance(1_000);
    }
    await settle(clock, dispatcher);
    const entry = outbox.list()[0]!;
    expect(entry.status).toBe('abandoned');
    expect(entry.attempts).toBe(hook.received.length);
    expect(hook.received.length).toBeGreaterThanOrEqual(5);
    expect(dispatcher.counts.abandoned).toBe(1);
    expect(logs.lines.at(-1)).toMatch(/given up \(retry window over\)/);
    expect(clock.now() - start).toBeGreaterThan(20_000);
    await dispatcher.stop();
  });

  it('gives up at once when the receiver refuses the alert with a 4xx', async () => {
    const clock = new ManualClock();
    const hook = await receiver(() => ({ status: 400, body: 'invalid event' }));
    const { dispatcher, outbox } = dispatcherFor(clock, [
      new WebhookSink('hook', { type: 'webhook', url: hook.url, secret: 's' }),
    ]);
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await settle(clock, dispatcher);
    await clock.advance(120_000);
    await settle(clock, dispatcher);
    expect(hook.received).toHaveLength(1);
    expect(outbox.list()[0]).toMatchObject({
      status: 'abandoned',
      lastError: expect.stringContaining('answered 400: invalid event'),
    });
    await dispatcher.stop();
  });

  it('delivers each transition to each sink once when two replicas share their claims', async () => {
    const clock = new ManualClock();
    const shared = processClaims();
    const hook = await receiver();
    const sinksOf = () => [
      new WebhookSink('hook', { type: 'webhook', url: `${hook.url}/hook`, secret: 's' }),
      new SlackSink('slack', { type: 'slack', url: `${hook.url}/slack` }),
    ];
    const a = dispatcherFor(clock, sinksOf(), shared, 'replica-a').dispatcher;
    const b = dispatcherFor(clock, sinksOf(), shared, 'replica-b').dispatcher;
    a.start();
    b.start();
    const alerts: Alert[] = [
      sampleAlert('opened'),
      sampleAlert('escalated', { severity: 'critical' }),
      sampleAlert('resolved', { status: 'resolved' }),
    ];
    // Both replicas saw every transition and enqueue it, at the same moment.
    await Promise.all(alerts.flatMap((alert) => [a.enqueue(alert), b.enqueue(alert)]));
    for (let second = 0; second < 3; second += 1) {
      await settle(clock, a, b);
      await clock.advance(1_000);
    }
    await settle(clock, a, b);
    const delivered = hook.received.map(
      (request) =>
        `${request.path} ${(request.body as { transition?: string }).transition ?? (request.body as { text: string }).text.split(':')[0]}`,
    );
    expect(delivered.sort()).toEqual([
      '/hook escalated',
      '/hook opened',
      '/hook resolved',
      '/slack Incident escalated',
      '/slack Incident opened',
      '/slack Incident resolved',
    ]);
    // Each replica queued every delivery; one of them sent each.
    expect(a.counts.enqueued + b.counts.enqueued).toBe(12);
    expect(a.counts.delivered + b.counts.delivered).toBe(6);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('sends when the claim cannot be made, under the idempotency key a receiver deduplicates on', async () => {
    const clock = new ManualClock();
    const hook = await receiver();
    const logs = captureLogs();
    const unreachable: DeliveryClaims = {
      claim: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
    };
    const sinks = () => [new WebhookSink('hook', { type: 'webhook', url: hook.url, secret: 's' })];
    const a = dispatcherFor(clock, sinks(), unreachable, 'replica-a', { logger: logs }).dispatcher;
    const b = dispatcherFor(clock, sinks(), unreachable, 'replica-b').dispatcher;
    a.start();
    b.start();
    await Promise.all([a.enqueue(sampleAlert()), b.enqueue(sampleAlert())]);
    await settle(clock, a, b);
    expect(hook.received.map((request) => request.headers['idempotency-key'])).toEqual([
      'inc_7f3a:opened:1',
      'inc_7f3a:opened:1',
    ]);
    expect(logs.lines.some((line) => line.startsWith('alert claim unavailable; sending without it'))).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('does not let a hung sink delay the others', async () => {
    const clock = new ManualClock();
    let release: () => void = () => {};
    const hung: AlertSink = {
      id: 'hung',
      type: 'webhook',
      target: 'nowhere',
      send: () => new Promise((resolve) => (release = () => resolve({ ok: true, status: 200 }))),
    };
    const hook = await receiver();
    const { dispatcher, outbox } = dispatcherFor(clock, [
      hung,
      new WebhookSink('hook', { type: 'webhook', url: hook.url, secret: 's' }),
    ]);
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await hook.waitFor(1);
    await clock.advance(0);
    expect(outbox.list().map((entry) => [entry.sinkId, entry.status])).toEqual([
      ['hung', 'pending'],
      ['hook', 'delivered'],
    ]);
    release();
    await dispatcher.stop();
    expect(outbox.list().every((entry) => entry.status === 'delivered')).toBe(true);
  });

  it('never logs a webhook secret, a Slack URL path or a routing key', async () => {
    const clock = new ManualClock();
    const logs = captureLogs();
    const failing = await receiver(() => ({ status: 500, body: 'error' }));
    const sinks = [
      new WebhookSink('hook', { type: 'webhook', url: `${failing.url}/hooks/PATHTOKEN`, secret: 'WEBHOOKSECRET' }),
      new SlackSink('slack', { type: 'slack', url: `${failing.url}/services/T0/B0/SLACKSECRET` }),
      new PagerDutySink('pd', { type: 'pagerduty', routingKey: 'ROUTINGKEYSECRET', url: `${failing.url}/v2/enqueue` }),
    ];
    const { dispatcher, outbox } = dispatcherFor(clock, sinks, undefined, 'a', { logger: logs });
    dispatcher.start();
    await dispatcher.enqueue(sampleAlert());
    await settle(clock, dispatcher);
    expect(logs.lines.length).toBeGreaterThanOrEqual(3);
    const text = logs.lines.join('\n') + JSON.stringify(outbox.list().map((entry) => entry.lastError));
    for (const secret of ['PATHTOKEN', 'WEBHOOKSECRET', 'SLACKSECRET', 'ROUTINGKEYSECRET'])
      expect(text).not.toContain(secret);
    await dispatcher.stop();
  });
});
