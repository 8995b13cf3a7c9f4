// This replica's side of the fleet-wide failure runs (fleet-failure-run.ts): every outcome it records
// extends or ends its deployment's run in Redis, and the reply is handed to the local tracker; every
// attempt it sends into an open run first takes a slot there, so the fleet never sends more attempts
// into an unresolved run than the run that ejects. Redis stays an optimisation: while it is away, or
// answers more slowly than slotWaitMs, attempts go unreserved and each replica's own run decides.
import type { Redis } from 'ioredis';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import type { Clock } from '../../util/clock.js';
import { isHardFailure } from '../hard-failure-run-strategy.js';
import { type AttemptSlot, unreservedSlot } from '../health-gate.js';
import type { HealthTracker } from '../health-tracker.js';
import { outcomePolicies } from '../outcome-policy.js';
import { recordFleetRun, releaseFleetSlot, reserveFleetSlot, type RunStep } from './fleet-failure-run.js';
import type { SharedHealthKeys } from './shared-health-keys.js';

/**
 * Longest an attempt waits for its fleet slot: past it, it goes without one (Redis is slow, not the
 * upstream), and a slot granted later is given back at once.
 */
export const slotWaitMs = 100;

export interface FleetRunShareOptions {
  tracker: HealthTracker;
  commands: Redis;
  keys: SharedHealthKeys;
  clock: Clock;
  replicaId: string;
  /** Whether the share is started and synchronised with Redis now. */
  active: () => boolean;
}

export class FleetRunShare {
  private readonly stopOutcomes: () => void;
  private slotsIssued = 0;

  constructor(private readonly options: FleetRunShareOptions) {
    this.stopOutcomes = options.tracker.onOutcome((id, outcome, slot) => this.onOutcome(id, outcome, slot));
    options.tracker.useFleetSlots({
      reserve: (id, limit) => this.reserve(id, limit),
      release: (id, slot) => this.release(id, slot),
    });
  }

  stop(): void {
    this.stopOutcomes();
    this.options.tracker.useFleetSlots(undefined);
  }

  private reserve(id: string, limit: number): Promise<AttemptSlot | undefined> {
    const { commands, keys, clock, tracker, active } = this.options;
    if (!active()) return Promise.resolve(unreservedSlot);
    this.slotsIssued += 1;
    const slot = `${this.options.replicaId}:${this.slotsIssued}`;
    const runKeys = keys.run(id);
    return new Promise((resolve) => {
      let waiting = true;
      const cancelWait = clock.schedule(slotWaitMs, () => {
        waiting = false;
        resolve(unreservedSlot);
      });
      reserveFleetSlot(commands, runKeys, { slot, now: clock.now(), limit })
        .then((reply) => {
          if (!waiting) {
            if (reply.held) releaseFleetSlot(commands, runKeys, slot).catch(() => {});
            return;
          }
          // Refused: the fleet's run may be one this replica's breakers eject for.
          if (!reply.granted && active())
            tracker.applyFleetRun(id, reply.consecutiveFailures, reply.consecutiveHardFailures);
          resolve(reply.granted ? (reply.held ? { reservation: slot } : unreservedSlot) : undefined);
        })
        .catch(() => resolve(unreservedSlot))
        .finally(() => {
          waiting = false;
          cancelWait();
        });
    });
  }

  // Called from the request path: fire and forget, never throw.
  private release(id: string, slot: AttemptSlot): void {
    if (slot.reservation === undefined || !this.options.active()) return;
    releaseFleetSlot(this.options.commands, this.options.keys.run(id), slot.reservation).catch(() => {
      // Lost with the connection: the slot's lease ends it.
    });
  }

  // Called from inside tracker.record() on the request path: fire and forget, never throw.
  private onOutcome(id: string, outcome: AttemptOutcome, slot?: AttemptSlot): void {
    const { commands, keys, tracker, active } = this.options;
    if (!active()) return;
    let step: RunStep;
    if (outcome.kind === 'success') step = 'success';
    else if (outcomePolicies[outcome.kind].countsAgainstHealth)
      step = isHardFailure(outcome.kind, outcome.status) ? 'hard' : 'failure';
    else {
      if (slot) this.release(id, slot);
      return;
    }
    const startedAt = this.options.clock.now() - Math.max(0, outcome.latencyMs);
    recordFleetRun(commands, keys.run(id), { step, startedAt, slot: slot?.reservation })
      .then((run) => {
        if (step !== 'success' && active())
          tracker.applyFleetRun(id, run.consecutiveFailures, run.consecutiveHardFailures);
      })
      .catch(() => {
        // Redis went away: the local run goes on deciding, and the outage is logged once elsewhere.
      });
  }
}
