// The consecutive-failure run of each deployment, kept fleet-wide in Redis when health is shared.
// Counted per replica, a dead deployment costs every replica its own run (two replicas: 9–10 client
// requests); counted in one place, the run that ejects is the fleet's. Each upstream-origin outcome
// updates one hash per deployment atomically (a Lua script): a success ends the run, a failure extends
// it (and its trailing hard part), and the reply — the fleet's run — is handed to the local tracker,
// which ejects as soon as its breakers say so and shares that decision as it shares every other.
import type { Redis } from 'ioredis';

const recordScript = `
if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1])
  return {0, 0}
end
local total = redis.call('HINCRBY', KEYS[1], 'total', 1)
local hard = 0
if ARGV[1] == 'hard' then
  hard = redis.call('HINCRBY', KEYS[1], 'hard', 1)
else
  redis.call('HSET', KEYS[1], 'hard', 0)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {total, hard}
`;

export type RunStep = 'success' | 'failure' | 'hard';

export interface FleetRun {
  consecutiveFailures: number;
  consecutiveHardFailures: number;
}

/** A run nobody extended for this long is forgotten (a deployment nobody calls has no current run). */
export const fleetRunTtlMs = 60_000;

export async function recordFleetRun(redis: Redis, key: string, step: RunStep): Promise<FleetRun> {
  const reply = (await redis.eval(recordScript, 1, key, step, String(fleetRunTtlMs))) as [number, number];
  return { consecutiveFailures: Number(reply[0]), consecutiveHardFailures: Number(reply[1]) };
}
