// Part of the shared store suite (store.case.ts): alert delivery claims shared by two instances — each
// (idempotency key, sink) granted to one, outcomes recorded and listed.
import { describe, expect, it } from 'vitest';
import type { DeliveryClaim } from '../../src/alerts/delivery-claims.js';
import { incidentFixture } from '../../src/incidents/incident-test-kit.js';
import type { StoreSuiteContext } from './store.case.js';

/** A claim of one alert delivery (the retention cases make them too). */
export function delivery(idempotencyKey: string, fields: Partial<DeliveryClaim> = {}): DeliveryClaim {
  const incident = incidentFixture({ id: 'incident-1', scope: 'deployment', key: 'claude', detectedAt: 0 });
  return {
    idempotencyKey,
    sink: 'webhook',
    owner: 'a',
    alert: { transition: 'opened', sequence: 1, at: 0, incident },
    at: 0,
    ...fields,
  };
}

export function runDeliveryClaimCases(context: StoreSuiteContext): void {
  describe('alert delivery claims', () => {
    it('grants each (idempotency key, sink) to one instance, whoever asks and however often', async () => {
      const { a, b } = await context.twoReplicas();
      const claims = await Promise.all([
        a.claimAlertDelivery(delivery('incident-1:opened:1', { owner: 'a' })),
        b.claimAlertDelivery(delivery('incident-1:opened:1', { owner: 'b' })),
        a.claimAlertDelivery(delivery('incident-1:opened:1', { owner: 'a' })),
        b.claimAlertDelivery(delivery('incident-1:opened:1', { owner: 'b' })),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Another sink, or another transition, is another delivery.
      expect(await b.claimAlertDelivery(delivery('incident-1:opened:1', { sink: 'slack' }))).toBe(true);
      expect(await b.claimAlertDelivery(delivery('incident-1:resolved:1'))).toBe(true);
      // Recording the outcome keeps the claim: it is not granted again.
      await a.recordAlertOutcome('incident-1:opened:1', 'webhook', { status: 'sent', at: 5, attempts: 2 });
      await a.recordAlertOutcome('incident-1:resolved:1', 'webhook', {
        status: 'abandoned',
        at: 6,
        attempts: 3,
        error: 'x'.repeat(2_000),
      });
      expect(await b.claimAlertDelivery(delivery('incident-1:opened:1', { owner: 'b' }))).toBe(false);
      const rows = await context.backend.rawQuery(
        a,
        'SELECT dedup_key, sink, status, attempts, last_error FROM alert_outbox ORDER BY id',
      );
      expect(rows.map((row) => [row.dedup_key, row.sink, row.status, Number(row.attempts)])).toEqual([
        ['incident-1:opened:1', 'webhook', 'sent', 2],
        ['incident-1:opened:1', 'slack', 'pending', 0],
        ['incident-1:resolved:1', 'webhook', 'abandoned', 3],
      ]);
      // An error text is kept bounded.
      expect(String(rows[2]!.last_error).length).toBeLessThan(1_100);
    });

    it('lists the deliveries of given incidents for the dashboard, without payload or error text', async () => {
      const { a, b } = await context.twoReplicas();
      await a.claimAlertDelivery(delivery('incident-1:opened:1', { at: 10 }));
      await b.claimAlertDelivery(delivery('incident-1:opened:1', { sink: 'slack', at: 11 }));
      await a.recordAlertOutcome('incident-1:opened:1', 'webhook', { status: 'sent', at: 12, attempts: 1 });
      expect(await b.listAlertDeliveries(['incident-1', 'incident-2'])).toEqual([
        {
          incidentId: 'incident-1',
          transition: 'opened',
          sink: 'webhook',
          status: 'sent',
          attempts: 1,
          claimedAt: 10,
          sentAt: 12,
        },
        {
          incidentId: 'incident-1',
          transition: 'opened',
          sink: 'slack',
          status: 'pending',
          attempts: 0,
          claimedAt: 11,
          sentAt: null,
        },
      ]);
      expect(await a.listAlertDeliveries(['incident-2'])).toEqual([]);
      expect(await a.listAlertDeliveries([])).toEqual([]);
    });
  });
}
