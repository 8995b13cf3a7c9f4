// Delivery claims in the store's delivery table (for replicas that share a database but not Redis),
// with the outcome recorded beside the claim. Store failures count toward the store's one outage log
// line; the dispatcher then sends anyway.
import type { IncidentStore } from '../history/store/incident-store.js';
import type { StoreAvailability } from '../history/store/store-availability.js';
import type { DeliveryClaims } from './delivery-claims.js';

export function storeDeliveryClaims(
  store: Pick<IncidentStore, 'claimAlertDelivery' | 'recordAlertOutcome'>,
  availability: StoreAvailability,
): DeliveryClaims {
  const observed = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      const result = await operation();
      availability.succeeded(0);
      return result;
    } catch (error) {
      availability.failed(error, 0);
      throw error;
    }
  };
  return {
    claim: (delivery) => observed(() => store.claimAlertDelivery(delivery)),
    async settle(delivery, outcome) {
      await observed(() => store.recordAlertOutcome(delivery.idempotencyKey, delivery.sink, outcome)).catch(() => {});
    },
  };
}
