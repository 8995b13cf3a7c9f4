// The synthetic request an active probe sends: the smallest valid question, converted by the
// deployment's own adapter and sent through its own pool, classified like any attempt. It names
// itself in a header (probe-header.ts), so the upstream can tell it from client traffic.
import type { CanonicalRequest } from '../canonical/request.js';
import { UpstreamError } from '../canonical/errors.js';
import type { DeploymentConfig } from '../config/schema.js';
import type { Usage } from '../canonical/usage.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import type { Clock } from '../util/clock.js';
import type { DeploymentTarget, ProviderAdapter } from './adapter.js';
import { callDeployment } from './call-deployment.js';
import { toDeploymentTarget } from './deployment-target.js';
import { probeHeader } from './probe-header.js';

function probeRequest(deployment: DeploymentConfig): CanonicalRequest {
  return {
    model: deployment.model,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }],
    maxTokens: 1,
    stream: false,
    // No original body: every adapter builds the probe from the canonical request.
    original: { format: 'openai-chat', body: {} },
  };
}

/** The deployment's target with the probe header beside its configured headers. */
function probeTarget(deployment: DeploymentConfig): DeploymentTarget {
  const target = toDeploymentTarget(deployment);
  return { ...target, headers: { ...target.headers, [probeHeader]: '1' } };
}

export interface ProbeResult {
  outcome: AttemptOutcome;
  /** Tokens the upstream reported (what the probe cost), when it answered. */
  usage?: Usage;
}

/** Refusals of the probe's request itself: the upstream is up and answering. */
const refusedButUp: ReadonlySet<string> = new Set([
  'invalid-request',
  'context-length',
  'content-filter',
  'unsupported-feature',
]);

export async function probeDeployment(
  deployment: DeploymentConfig,
  adapter: ProviderAdapter,
  pools: UpstreamPools,
  clock: Clock,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  return (await sendProbe(deployment, adapter, pools, clock, signal)).outcome;
}

/** The probe with what it cost, for monitor-only mode's spend cap. */
export async function sendProbe(
  deployment: DeploymentConfig,
  adapter: ProviderAdapter,
  pools: UpstreamPools,
  clock: Clock,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const startedAt = clock.now();
  try {
    const answer = await callDeployment({
      adapter,
      target: probeTarget(deployment),
      request: probeRequest(deployment),
      pools,
      signal,
    });
    const latencyMs = clock.now() - startedAt;
    const outcome: AttemptOutcome = { kind: 'success', latencyMs, timeToFirstTokenMs: latencyMs };
    return answer.type === 'response' ? { outcome, usage: answer.response.usage } : { outcome };
  } catch (error) {
    const latencyMs = clock.now() - startedAt;
    if (UpstreamError.isInstance(error)) {
      // A probe the upstream refused as invalid still proves it is up and answering.
      if (refusedButUp.has(error.kind)) {
        return { outcome: { kind: 'success', latencyMs } };
      }
      return { outcome: { kind: error.kind, latencyMs, ...(error.status ? { status: error.status } : {}) } };
    }
    return { outcome: { kind: signal.aborted ? 'timeout' : 'local', latencyMs } };
  }
}
