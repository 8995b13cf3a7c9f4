// Retention: prunes the store at open and then every hour on the injected clock. A failed prune is
// logged and tried again at the next tick; it never stops the store.
import type { Clock } from '../../util/clock.js';
import type { IncidentStore, StoreLogger } from './incident-store.js';

const dayMs = 24 * 60 * 60_000;
export const retentionIntervalMs = 60 * 60_000;

export interface RetentionSchedule {
  stop(): void;
}

export function scheduleRetention(
  store: Pick<IncidentStore, 'pruneOlderThan'>,
  options: { retentionDays: number; clock: Clock; logger?: StoreLogger },
): RetentionSchedule {
  const { retentionDays, clock, logger } = options;
  let cancel: (() => void) | undefined;
  let stopped = false;

  const prune = async () => {
    try {
      const removed = await store.pruneOlderThan(clock.now() - retentionDays * dayMs);
      if (removed.rollups + removed.incidents + removed.alerts > 0)
        logger?.info({ ...removed, retentionDays }, 'incident store pruned');
    } catch (error) {
      logger?.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'incident store pruning failed; trying again later',
      );
    }
    if (!stopped) cancel = clock.schedule(retentionIntervalMs, () => void prune());
  };

  void prune();
  return {
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}
