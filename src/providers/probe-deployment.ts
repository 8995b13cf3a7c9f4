// The synthetic request an active probe sends: the smallest valid question, converted by the
// deployment's own adapter and sent through its own pool, classified like any attempt.
import type { CanonicalRequest } from '../canonical/request.js';
import { UpstreamError } from '../canonical/errors.js';
import type { DeploymentConfig } from '../config/schema.js';
import type { AttemptOutcome } from '../canonical/attempt.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import type { Clock } from '../util/clock.js';
import type { ProviderAdapter } from './adapter.js';
import { callDeployment } from './call-deployment.js';
import { toDeploymentTarget } from './deployment-target.js';

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

export async function probeDeployment(
  deployment: DeploymentConfig,
  adapter: ProviderAdapter,
  pools: UpstreamPools,
  clock: Clock,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const startedAt = clock.now();
  try {
    await callDeployment({
      adapter,
      target: toDeploymentTarget(deployment),
      request: probeRequest(deployment),
      pools,
      signal,
    });
    const latencyMs = clock.now() - startedAt;
    return { kind: 'success', latencyMs, timeToFirstTokenMs: latencyMs };
  } catch (error) {
    const latencyMs = clock.now() - startedAt;
    if (UpstreamError.isInstance(error)) {
      // A probe the upstream refused as invalid still proves it is up and answering.
      if (error.kind === 'invalid-request' || error.kind === 'context-length' || error.kind === 'content-filter') {
        return { kind: 'success', latencyMs };
      }
      return { kind: error.kind, latencyMs, ...(error.status ? { status: error.status } : {}) };
    }
    return { kind: signal.aborted ? 'timeout' : 'local', latencyMs };
  }
}
