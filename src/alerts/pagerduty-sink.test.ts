// PagerDuty Events API v2 against a local receiver: trigger on opened and escalated, resolve on
// resolved, one stable dedup key per incident, severities mapped.
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { detectedAt, sampleAlert } from './alert-test-kit.js';
import { PagerDutySink, type PagerDutyEvent } from './pagerduty-sink.js';
import { pagerDutySinkSchema } from './alerts-config.js';

let receiver: AlertReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('PagerDutySink', () => {
  it('triggers, re-triggers on escalation and resolves with one dedup key', async () => {
    receiver = await startAlertReceiver({
      answer: () => ({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"status":"success"}' }),
    });
    const config = pagerDutySinkSchema.parse({
      type: 'pagerduty',
      routingKey: 'R0UTINGKEY0123456789',
      url: `${receiver.url}/v2/enqueue`,
    });
    const sink = new PagerDutySink('2-pagerduty', config);
    const alerts = [
      sampleAlert('opened'),
      sampleAlert('escalated', { severity: 'critical' }),
      sampleAlert('resolved', { status: 'resolved', resolvedAt: detectedAt + 300_000 }),
    ];
    for (const alert of alerts) {
      expect(await sink.send(alert, { idempotencyKey: 'k', now: alert.at })).toEqual({ ok: true, status: 202 });
    }
    const events = (await receiver.waitFor(3)).map((request) => request.body as PagerDutyEvent);
    expect(events.map((event) => [event.event_action, event.dedup_key, event.payload.severity])).toEqual([
      ['trigger', 'switchyard-inc_7f3a', 'error'],
      ['trigger', 'switchyard-inc_7f3a', 'critical'],
      ['resolve', 'switchyard-inc_7f3a', 'info'],
    ]);
    expect(events[0]).toMatchObject({
      routing_key: 'R0UTINGKEY0123456789',
      payload: {
        summary:
          'Incident opened: deployment claude-direct ejected — 42 failed attempts of 60 (overloaded ×30, timeout ×12) on routes haiku, sonnet',
        source: 'switchyard',
        timestamp: new Date(detectedAt).toISOString(),
        component: 'claude-direct',
        group: 'deployment',
        class: 'overloaded',
        custom_details: {
          incident_id: 'inc_7f3a',
          affected_routes: ['haiku', 'sonnet'],
          where_traffic_went: '118 requests served elsewhere: claude-bedrock 80, gpt-4o 38; no client request failed',
        },
      },
    });
    expect(events[1]!.payload.summary).toMatch(
      /^Incident escalated: deployment claude-direct ejected \(now critical\)/,
    );
  });

  it('defaults to the PagerDuty Events API URL', () => {
    expect(pagerDutySinkSchema.parse({ type: 'pagerduty', routingKey: 'abc' }).url).toBe(
      'https://events.pagerduty.com/v2/enqueue',
    );
  });
});
