// Where replicas meet in Redis: one channel for outcome counts, one for state decisions, and one hash
// with the latest decision per deployment for replicas that join (or come back) later.
import type { FleetRunKeys } from './fleet-failure-run.js';

export interface SharedHealthKeys {
  /** Channel: every replica's outcome counts since its last publish. */
  counts: string;
  /** Channel: each state decision as it is made. */
  state: string;
  /** Hash: deployment id → the latest decision about it. */
  states: string;
  /** Per deployment: the fleet's current consecutive-failure run and the slots held in it (fleet-failure-run.ts). */
  run: (deploymentId: string) => FleetRunKeys;
  /** String per deployment: the replica that owns its probes for the current period (SET NX PX). */
  probeOwner: (deploymentId: string) => string;
}

export const defaultSharedHealthPrefix = 'switchyard:health';

export function sharedHealthKeys(prefix = defaultSharedHealthPrefix): SharedHealthKeys {
  return {
    counts: `${prefix}:counts`,
    state: `${prefix}:state`,
    states: `${prefix}:states`,
    run: (deploymentId) => ({ run: `${prefix}:run:${deploymentId}`, slots: `${prefix}:run-slots:${deploymentId}` }),
    probeOwner: (deploymentId) => `${prefix}:probe:${deploymentId}`,
  };
}
