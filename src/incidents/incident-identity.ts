// An incident's identity: what it is about (its scope key) and when it began, hashed, so every replica
// that sees the same failure from the same health names it the same, with no store involved. Two
// replicas can still start the same failure a moment apart (each decided the ejection itself before
// hearing the other's), so when they share a medium they agree on the first name given: through Redis
// when they share health through it (redis-incident-identities.ts), otherwise through the store,
// otherwise alone.
import { createHash } from 'node:crypto';
import type { IncidentStore } from '../history/store/incident-store.js';
import type { StoreAvailability } from '../history/store/store-availability.js';
import type { Incident } from './incident.js';

/** `inc_` and 24 hex digits of the scope key and the time the failure began. */
export function incidentIdOf(scopeKey: string, beganAt: number): string {
  return `inc_${createHash('sha256').update(`${scopeKey}@${beganAt}`).digest('hex').slice(0, 24)}`;
}

export interface IncidentIdentities {
  /** The id every replica uses for this newly opened incident (its own when the medium cannot be reached). */
  agree(incident: Incident): Promise<string>;
  /** The incident resolved: its scope's next incident gets a name of its own. */
  release(incident: Incident): Promise<void>;
  close(): Promise<void>;
}

/** Replicas that share only the store: the first write of an open scope names it (bounded wait). */
export function storeIncidentIdentities(
  store: Pick<IncidentStore, 'saveIncident'>,
  availability: StoreAvailability,
  options: { timeoutMs?: number; schedule: (ms: number, task: () => void) => () => void },
): IncidentIdentities {
  return {
    async agree(incident) {
      let cancel: () => void = () => {};
      const timeout = new Promise<string>((resolve) => {
        cancel = options.schedule(options.timeoutMs ?? 2_000, () => resolve(incident.id));
      });
      const saved = store.saveIncident(incident).then(
        (stored) => {
          availability.succeeded(0);
          return stored.id;
        },
        (error: unknown) => {
          availability.failed(error, 1);
          return incident.id;
        },
      );
      try {
        return await Promise.race([saved, timeout]);
      } finally {
        cancel();
      }
    },
    async release() {},
    async close() {},
  };
}

/** One replica on its own. */
export const ownIdentities: IncidentIdentities = {
  agree: async (incident) => incident.id,
  release: async () => {},
  close: async () => {},
};
