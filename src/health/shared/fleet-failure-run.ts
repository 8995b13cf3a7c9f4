// The consecutive-failure run of each deployment, kept fleet-wide in Redis when health is shared, and
// the slots that bound how many attempts the fleet sends into an open run. Counted per replica, a dead
// deployment costs every replica its own run (two replicas: 9–10 client requests); counted in one
// place, the run that ejects is the fleet's. Each upstream-origin outcome updates one hash per
// deployment atomically (a Lua script): a success ends the run (unless its attempt started before the
// run began, as the local run judges it), a failure extends it (and its trailing hard part), and the reply — the fleet's run — is handed to the local tracker, which ejects as soon as
// its breakers say so and shares that decision as it shares every other.
//
// The run alone still lets every replica send attempts while the failures that end it are on their
// way back (93 under load in the bench). So while a run is open, an attempt needs a slot: the run plus
// the slots already held must stay under the run that ejects, or the reservation is refused and the
// attempt goes elsewhere. No more than that many attempts ever go into an unresolved run; a slot is
// given back when its attempt shows content or ends (in the same script that counts its failure), a
// success ends the run and every slot, and a slot whose replica vanished expires after its lease.
import type { Redis } from 'ioredis';

const runKeys = 2;

// ARGV: step, ttl, slot, when the attempt started. A success ends the run only if its attempt started
// after the run began: streams that were already out when the deployment went down go on finishing
// for seconds, and each would otherwise wipe the run (the run never reached five in the bench).
const recordScript = `
redis.call('ZREM', KEYS[2], ARGV[3])
local started = tonumber(ARGV[4])
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '')
if ARGV[1] == 'success' then
  if since ~= nil and started < since then
    return {tonumber(redis.call('HGET', KEYS[1], 'total') or '0'), tonumber(redis.call('HGET', KEYS[1], 'hard') or '0')}
  end
  redis.call('DEL', KEYS[1], KEYS[2])
  return {0, 0}
end
if since == nil or started < since then redis.call('HSET', KEYS[1], 'since', ARGV[4]) end
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

// ARGV: now, lease end, slot id, limit, ttl. Reply: {granted (1/0), run, hard part of the run}.
const reserveScript = `
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if total == 0 then return {1, 0, 0} end
local hard = tonumber(redis.call('HGET', KEYS[1], 'hard') or '0')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if total + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {0, total, hard} end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {1, total, hard}
`;

export type RunStep = 'success' | 'failure' | 'hard';

export interface FleetRun {
  consecutiveFailures: number;
  consecutiveHardFailures: number;
}

/** Where one deployment's run lives: its hash and the sorted set of slots held in it (score: lease end). */
export interface FleetRunKeys {
  run: string;
  slots: string;
}

/** A run nobody extended for this long is forgotten (a deployment nobody calls has no current run). */
export const fleetRunTtlMs = 60_000;

/** Longest a slot is held for an attempt that never reports back (its replica stopped). */
export const fleetSlotLeaseMs = 30_000;

/**
 * Records one outcome in the fleet's run and gives back the attempt's slot, if it held one, in the same
 * step: a slot never disappears before the failure it became is counted.
 */
export async function recordFleetRun(
  redis: Redis,
  keys: FleetRunKeys,
  outcome: { step: RunStep; startedAt: number; slot?: string | undefined },
): Promise<FleetRun> {
  const reply = (await redis.eval(
    recordScript,
    runKeys,
    keys.run,
    keys.slots,
    outcome.step,
    String(fleetRunTtlMs),
    outcome.slot ?? '',
    String(outcome.startedAt),
  )) as [number, number];
  return { consecutiveFailures: Number(reply[0]), consecutiveHardFailures: Number(reply[1]) };
}

export interface SlotRequest {
  /** Unique per attempt (the replica's id and a counter). */
  slot: string;
  now: number;
  /** The run at which this replica's breakers eject the deployment. */
  limit: number;
}

export interface SlotReply extends FleetRun {
  granted: boolean;
  /** Whether the slot is held (only while a run is open): it must be given back. */
  held: boolean;
}

/** Asks for a slot for one attempt: granted at once when no run is open. */
export async function reserveFleetSlot(redis: Redis, keys: FleetRunKeys, request: SlotRequest): Promise<SlotReply> {
  const reply = (await redis.eval(
    reserveScript,
    runKeys,
    keys.run,
    keys.slots,
    String(request.now),
    String(request.now + fleetSlotLeaseMs),
    request.slot,
    String(request.limit),
    String(fleetRunTtlMs),
  )) as [number, number, number];
  const run = Number(reply[1]);
  return {
    granted: Number(reply[0]) === 1,
    held: Number(reply[0]) === 1 && run > 0,
    consecutiveFailures: run,
    consecutiveHardFailures: Number(reply[2]),
  };
}

/** Gives a slot back without counting anything: its attempt showed content, or ended in a way that says nothing. */
export async function releaseFleetSlot(redis: Redis, keys: FleetRunKeys, slot: string): Promise<void> {
  await redis.zrem(keys.slots, slot);
}
