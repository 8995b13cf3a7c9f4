// How an attempt that did not finish becomes a classified failure — the one place that decides it:
// an abort becomes the outcome its reason names (timeout, first-token timeout, client gone), a stream
// that stops before its finish becomes stream-interrupted (or the abort that stopped it), and whatever
// undici or a parser threw becomes connect / stream-interrupted / local.
import { UpstreamError, type FailureKind } from '../canonical/errors.js';
import { AbortReason } from '../transport/abort-reasons.js';

const connectCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The outcome an abort stands for, or undefined when the signal was not aborted with a known reason. */
export function abortFailure(signal: AbortSignal | undefined, cause?: unknown): UpstreamError | undefined {
  if (!signal?.aborted || !AbortReason.isInstance(signal.reason)) return undefined;
  return failureFromAbort(signal.reason, cause);
}

export function failureFromAbort(reason: AbortReason, cause?: unknown): UpstreamError {
  return new UpstreamError({ kind: reason.kind, message: reason.message, ...(cause === undefined ? {} : { cause }) });
}

/**
 * A stream that stopped without a finish event: the abort that stopped it when there was one, else an
 * interruption. `beforeContent` says whether anything had reached the point of being shown.
 */
export function streamEndedEarly(signal?: AbortSignal, beforeContent = false): UpstreamError {
  return (
    abortFailure(signal) ??
    new UpstreamError({
      kind: 'stream-interrupted',
      message: beforeContent ? 'upstream stream ended before any content' : 'upstream stream ended before it finished',
    })
  );
}

/** Turns whatever undici or a parser threw into a classified UpstreamError. */
export function classifyTransportError(error: unknown, signal: AbortSignal, phase: 'connect' | 'body'): UpstreamError {
  if (UpstreamError.isInstance(error)) return error;
  const aborted = abortFailure(signal, error);
  if (aborted) return aborted;
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  let kind: FailureKind = phase === 'body' ? 'stream-interrupted' : 'connect';
  if (phase === 'connect' && code !== undefined && !connectCodes.has(code)) kind = 'local';
  return new UpstreamError({
    kind,
    message: `${phase === 'connect' ? 'connection failed' : 'upstream body failed'}: ${code ?? ''} ${message}`.trim(),
    providerCode: code,
    cause: error,
  });
}

/** Any failure the attempt loop caught: classified as it came, an abort by its reason, else our own bug. */
export function attemptFailure(thrown: unknown, signal?: AbortSignal): UpstreamError {
  if (UpstreamError.isInstance(thrown)) return thrown;
  if (AbortReason.isInstance(thrown)) return failureFromAbort(thrown);
  return (
    abortFailure(signal, thrown) ??
    new UpstreamError({
      kind: 'local',
      message: thrown instanceof Error ? thrown.message : String(thrown),
      cause: thrown,
    })
  );
}
