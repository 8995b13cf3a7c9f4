// The `alerts:` and `incidents:` sections: the fixed keys parse, defaults apply, mistakes are
// reported without echoing a secret.
import { describe, expect, it } from 'vitest';
import { alertsSchema, sinkIdOf } from '../alerts/alerts-config.js';
import { incidentsSectionSchema } from './incidents-config.js';

describe('incidents config', () => {
  it('parses the three sink types with their fixed keys', () => {
    const alerts = alertsSchema.parse([
      { type: 'webhook', url: 'https://hooks.example.com/switchyard', secret: 'whsec' },
      { type: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
      { type: 'pagerduty', routingKey: 'R0UTING' },
      {
        type: 'pagerduty',
        routingKey: 'R1',
        url: 'http://127.0.0.1:9/v2/enqueue',
        name: 'pd-test',
        retryWindowMs: 60_000,
      },
    ]);
    expect(alerts[2]).toEqual({
      type: 'pagerduty',
      routingKey: 'R0UTING',
      url: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(alerts.map((sink, index) => sinkIdOf(sink, index))).toEqual([
      '0-webhook',
      '1-slack',
      '2-pagerduty',
      'pd-test',
    ]);
    expect(alertsSchema.parse(undefined)).toEqual([]);
  });

  it('defaults the incidents section', () => {
    expect(incidentsSectionSchema.parse(undefined)).toEqual({
      gracePeriodMs: 30_000,
      resolvePeriodMs: 60_000,
      providerGroupThreshold: 2,
      alertRetryWindowMs: 600_000,
    });
    expect(incidentsSectionSchema.parse({ resolvePeriodMs: 5_000 }).resolvePeriodMs).toBe(5_000);
  });

  it('rejects a webhook without a secret, unknown keys and a bad URL, without echoing the URL', () => {
    expect(alertsSchema.safeParse([{ type: 'webhook', url: 'https://x.example/h' }]).success).toBe(false);
    expect(alertsSchema.safeParse([{ type: 'slack', url: 'https://x.example/h', channel: '#ops' }]).success).toBe(
      false,
    );
    expect(alertsSchema.safeParse([{ type: 'email', to: 'a@b.c' }]).success).toBe(false);
    const bad = alertsSchema.safeParse([{ type: 'slack', url: 'hooks.slack.com/services/T/B/SECRETPART' }]);
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain('SECRETPART');
    expect(bad.error?.issues[0]?.message).toBe('must be an http(s) URL');
  });
});
