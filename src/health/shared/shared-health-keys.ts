// Where replicas meet in Redis: one channel for outcome counts, one for state decisions, and one hash
// with the latest decision per deployment for replicas that join (or come back) later.

export interface SharedHealthKeys {
  /** Channel: every replica's outcome counts since its last publish. */
  counts: string;
  /** Channel: each state decision as it is made. */
  state: string;
  /** Hash: deployment id → the latest decision about it. */
  states: string;
  /** Hash per deployment: the fleet's current consecutive-failure run (fleet-failure-run.ts). */
  run: (deploymentId: string) => string;
  /** String per deployment: the replica that owns its probes for the current period (SET NX PX). */
  probeOwner: (deploymentId: string) => string;
}

export const defaultSharedHealthPrefix = 'switchyard:health';

export function sharedHealthKeys(prefix = defaultSharedHealthPrefix): SharedHealthKeys {
  return {
    counts: `${prefix}:counts`,
    state: `${prefix}:state`,
    states: `${prefix}:states`,
    run: (deploymentId) => `${prefix}:run:${deploymentId}`,
    probeOwner: (deploymentId) => `${prefix}:probe:${deploymentId}`,
  };
}
