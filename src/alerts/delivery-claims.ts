// Who sends an alert that several replicas see: the first to claim its delivery, meaning the pair
// (idempotency key, sink). This is the one way alerts are deduplicated across replicas; only where the
// claim is kept depends on what the replicas share: Redis when they share health through it (it stays up
// when the database does not), otherwise the store's delivery table, otherwise this process alone.
// A claim that cannot be made (the medium is down) counts as won: better the same alert twice, under
// the same idempotency key a receiver can deduplicate, than none.
import type { Alert } from './alert.js';

export interface DeliveryClaim {
  idempotencyKey: string;
  sink: string;
  /** The replica claiming. */
  owner: string;
  alert: Alert;
  at: number;
}

export type DeliveryOutcome =
  | { status: 'sent'; at: number; attempts: number }
  | { status: 'abandoned'; at: number; attempts: number; error: string };

export interface DeliveryClaims {
  /** True when this replica sends the delivery; rejects when the shared medium cannot be reached. */
  claim(delivery: DeliveryClaim): Promise<boolean>;
  /** How a claimed delivery ended, where the medium keeps a record of it (best effort). */
  settle?(delivery: DeliveryClaim, outcome: DeliveryOutcome): Promise<void>;
  close?(): Promise<void>;
}

/** One process: every claim is won once (the dispatcher already sends each delivery once). */
export function processClaims(): DeliveryClaims {
  const claimed = new Set<string>();
  return {
    async claim(delivery) {
      const key = `${delivery.idempotencyKey}|${delivery.sink}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
  };
}
