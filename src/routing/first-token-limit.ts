// How long one attempt may wait for its first token. A fixed firstTokenMs (30 s by default) makes a
// deployment that usually answers in 200 ms cost a client 30 s when it stalls; the adaptive limit is
// min(firstTokenMs, max(factor × learned p99, floor)), so such a stall fails over in seconds.
// The limit applies to streams only (a non-streaming answer arrives whole, after its whole length).
// Long-thinking requests legitimately wait far past what short ones taught health: they keep the
// configured limit (and never make a deployment suspect), and a route may opt out altogether.
import type { CanonicalRequest } from '../canonical/request.js';
import type { Percentiles } from '../health/latency-histogram.js';

export interface AdaptiveFirstTokenSettings {
  factor: number;
  floorMs: number;
}

/** Requests expected to wait long for a first token: extended or adaptive thinking, or a reasoning effort. */
export function isPatientRequest(request: CanonicalRequest): boolean {
  const thinking = request.thinking?.type;
  if (thinking === 'enabled' || thinking === 'adaptive') return true;
  return (
    request.reasoningEffort !== undefined && request.reasoningEffort !== 'minimal' && request.reasoningEffort !== 'none'
  );
}

export interface FirstTokenLimit {
  limitMs: number;
  /** True when the learned figures shortened the configured limit. */
  adapted: boolean;
}

export function firstTokenLimit(
  configuredMs: number,
  learned: Percentiles | undefined,
  request: CanonicalRequest,
  settings: AdaptiveFirstTokenSettings | undefined,
): FirstTokenLimit {
  // A non-streaming answer arrives whole: its wait depends on its length, not on the first token.
  if (!settings || !learned || !request.stream || isPatientRequest(request)) {
    return { limitMs: configuredMs, adapted: false };
  }
  const adaptive = Math.max(settings.factor * learned.p99, settings.floorMs);
  return adaptive < configuredMs
    ? { limitMs: Math.ceil(adaptive), adapted: true }
    : { limitMs: configuredMs, adapted: false };
}
