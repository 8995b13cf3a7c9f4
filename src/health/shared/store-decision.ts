// Writes one state decision to Redis: stored as the deployment's latest decision (for replicas that
// join or reconnect later) and published to the replicas listening now, in one atomic script. The
// script keeps whichever decision is newer, so two replicas deciding at once, or a replica writing
// decisions it made during an outage, never replace a newer decision with an older one.
import type { Redis } from 'ioredis';
import type { SharedHealthKeys } from './shared-health-keys.js';
import { encodeDecision, type SharedDecision } from './shared-health-messages.js';

// KEYS[1]: states hash. ARGV: deployment id, decision JSON, decision time, state channel.
const storeDecisionScript = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local ok, decoded = pcall(cjson.decode, stored)
  if ok and type(decoded) == 'table' and tonumber(decoded.at) and tonumber(decoded.at) > tonumber(ARGV[3]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1
`;

/** Resolves true when stored and published, false when Redis already holds a newer decision. */
export async function storeDecision(
  connection: Redis,
  keys: SharedHealthKeys,
  decision: SharedDecision,
): Promise<boolean> {
  const text = encodeDecision(decision);
  const result = await connection.eval(
    storeDecisionScript,
    1,
    keys.states,
    decision.id,
    text,
    String(decision.at),
    keys.state,
  );
  return result === 1;
}
