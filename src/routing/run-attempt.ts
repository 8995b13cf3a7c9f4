// One attempt on one deployment, from admission to the first content: call it under the attempt's
// first-token limit, hold a stream until its first content, tell health when it starts, shows content
// and ends, and publish it. An attempt can be abandoned from outside (the other side of a hedge won,
// the client left); whatever stops it, it ends exactly once, as one Attempt with its outcome.
import type { Attempt, AttemptRole } from '../canonical/attempt.js';
import { attemptMessageLength } from '../canonical/attempt.js';
import type { OutcomeKind, UpstreamError } from '../canonical/errors.js';
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { DeploymentConfig, ProviderKind } from '../config/schema.js';
import type { AttemptSlot, HealthGate } from '../health/health-gate.js';
import { publishAttempt } from '../observability/channels.js';
import type { ProviderAdapter } from '../providers/adapter.js';
import { attemptFailure } from '../providers/attempt-failure.js';
import type { AttemptOperation, CallDeployment } from '../providers/call-deployment.js';
import { toDeploymentTarget } from '../providers/deployment-target.js';
import { AbortReason, clientAborted } from '../transport/abort-reasons.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import type { Clock } from '../util/clock.js';
import { committedStream, readStreamHead } from './commit-stream.js';
import type { Deadline } from './deadline.js';
import { isPatientRequest } from './first-token-limit.js';

/** What every attempt of the router shares. */
export interface AttemptContext {
  clock: Clock;
  /**
   * The clock the upstream's waits run on (first-token limit, time to first token, latency): it stands
   * still while the gateway's own event loop is stalled (util/loop-stalls.ts). Default: `clock`.
   */
  waitClock?: Pick<Clock, 'now'>;
  health: HealthGate;
  pools: UpstreamPools;
  call: CallDeployment;
  adapterFor: (provider: ProviderKind) => ProviderAdapter;
}

export interface AttemptPlan {
  route: string;
  deployment: DeploymentConfig;
  request: CanonicalRequest;
  /** Default: generate. */
  operation?: AttemptOperation;
  role: AttemptRole;
  /** How long the attempt may wait for its first content (the deadline may cut it shorter). */
  firstTokenMs: number;
  /** True when firstTokenMs was shortened from the configured limit by what health learned. */
  adaptedLimit: boolean;
  /**
   * Non-streaming attempts: from this long on, the attempt fails over as soon as health has taken its
   * deployment out of rotation (ejected for hanging or stalling streams, isolated), checked this often.
   */
  checkRotationAfterMs?: number;
  /** Longest silence tolerated between events once the stream is committed. */
  idleTimeoutMs: number;
  /** Continuation routes: cut a committed stream that stalls (see commit-stream.ts). */
  stallFloorMs?: number;
  deadline: Deadline;
  clientSignal: AbortSignal;
  /** Every attempt of the request, in the order they ended (a stream's entry is completed when it ends). */
  attempts: Attempt[];
  /** Its fleet slot (shared health), given back at first content or with its outcome. */
  slot?: AttemptSlot;
}

/** `relayed` and `upstreamHeaders` as call-deployment.ts gives them (the relay lane). */
export type AttemptAnswerHead =
  | { type: 'response'; response: CanonicalResponse; relayed?: string; upstreamHeaders?: Record<string, string> }
  | {
      type: 'stream';
      events: AsyncIterable<CanonicalStreamEvent>;
      relayed?: boolean;
      upstreamHeaders?: Record<string, string>;
    }
  | { type: 'count'; inputTokens: number; upstreamHeaders?: Record<string, string> };

export type AttemptResult =
  | { ok: true; deployment: DeploymentConfig; answer: AttemptAnswerHead; attempt: Attempt }
  | { ok: false; deployment: DeploymentConfig; error: UpstreamError; attempt: Attempt };

export interface RunningAttempt {
  deployment: DeploymentConfig;
  result: Promise<AttemptResult>;
  /** Stops the attempt (a no-op once it committed or ended). */
  abandon(reason: AbortReason): void;
  /**
   * Calls `callback` when the request leaves on a connection (at once if it already has): what waits
   * on the upstream, such as a hedge delay, starts there, not while the gateway waited for a connection.
   * Never called for an attempt that ended before it was sent.
   */
  whenDispatched(callback: () => void): void;
}

export function runAttempt(context: AttemptContext, plan: AttemptPlan): RunningAttempt {
  const { clock, health } = context;
  const waitClock = context.waitClock ?? clock;
  const { deployment, clientSignal, deadline } = plan;
  const startedAt = clock.now();
  const startedWaitAt = waitClock.now();
  const controller = new AbortController();
  let committed = false;
  const onClientAbort = () => controller.abort(clientAborted());
  clientSignal.addEventListener('abort', onClientAbort, { once: true });
  // Until the request leaves on a connection, only the request's deadline runs: waiting for a
  // connection (or for this process's event loop) is the gateway's time, not the upstream's, so it
  // ends as a local failure that health does not count.
  let cancelTimer = clock.schedule(deadline.remainingMs(), () =>
    controller.abort(
      new AbortReason(
        'local',
        `request deadline reached after ${clock.now() - startedAt} ms waiting for a connection to the upstream`,
      ),
    ),
  );
  let cancelRotationCheck: () => void = () => {};
  let dispatchedAt: number | undefined;
  let dispatchedWaitAt: number | undefined;
  let inFlight: ReturnType<NonNullable<HealthGate['start']>> | undefined;
  let dispatchListener: (() => void) | undefined;
  /** The first-token limit and the rotation check run from here: the upstream has the request. */
  const onDispatched = () => {
    if (dispatchedAt !== undefined || controller.signal.aborted) return;
    dispatchedAt = clock.now();
    dispatchedWaitAt = waitClock.now();
    cancelTimer();
    // The limit is the upstream's time: when it falls due after the gateway's own loop stalled, the
    // stalled time is given back before the attempt is cut (the request's deadline still holds).
    const onLimit = () => {
      const owedMs = plan.firstTokenMs - upstreamTime();
      const remainingMs = deadline.remainingMs();
      if (owedMs > 0 && remainingMs > 0) {
        cancelTimer = clock.schedule(Math.min(owedMs, remainingMs), onLimit);
        return;
      }
      controller.abort(
        owedMs > 0
          ? new AbortReason('timeout', `request deadline reached after ${clock.now() - startedAt} ms`)
          : new AbortReason(
              'first-token-timeout',
              plan.adaptedLimit
                ? `no first token within ${plan.firstTokenMs} ms (the limit learned from this deployment's usual time to first token)`
                : `no first token within ${plan.firstTokenMs} ms`,
            ),
      );
    };
    cancelTimer = clock.schedule(Math.min(plan.firstTokenMs, deadline.remainingMs()), onLimit);
    const checkRotationAfterMs = plan.checkRotationAfterMs;
    if (checkRotationAfterMs !== undefined && health.outOfRotation) {
      const check = () => {
        const reason = health.outOfRotation?.(deployment.id);
        if (!reason) {
          cancelRotationCheck = clock.schedule(checkRotationAfterMs, check);
          return;
        }
        const waited = clock.now() - (dispatchedAt ?? startedAt);
        controller.abort(
          new AbortReason(
            'first-token-timeout',
            `no answer after ${waited} ms, and the deployment is out of rotation (${reason})`,
          ),
        );
      };
      cancelRotationCheck = clock.schedule(checkRotationAfterMs, check);
    }
    dispatchListener?.();
    inFlight = health.start?.(deployment.id, {
      // A token count is not an answer: how long it takes teaches nothing about the time answers take.
      patient: isPatientRequest(plan.request) || plan.operation === 'count-tokens',
      stream: plan.request.stream,
      ...(plan.slot ? { slot: plan.slot } : {}),
    });
  };
  /**
   * The upstream's time: from dispatch (from the start for an attempt that never left), without the
   * gateway's own loop stalls.
   */
  const upstreamTime = () => waitClock.now() - (dispatchedWaitAt ?? startedWaitAt);
  let ended = false;
  const finish = (kind: OutcomeKind, error?: UpstreamError, timeToFirstTokenMs?: number): Attempt => {
    const attempt: Attempt = { deployment: deployment.id, kind, latencyMs: upstreamTime(), role: plan.role };
    if (ended) return attempt;
    ended = true;
    if (kind === 'abandoned' && inFlight?.abandon) inFlight.abandon();
    else inFlight?.end();
    if (timeToFirstTokenMs !== undefined) attempt.timeToFirstTokenMs = timeToFirstTokenMs;
    if (dispatchedAt !== undefined && dispatchedAt > startedAt) attempt.connectionWaitMs = dispatchedAt - startedAt;
    if (error?.status !== undefined) attempt.status = error.status;
    if (error?.retryAfterMs !== undefined) attempt.retryAfterMs = error.retryAfterMs;
    if (error) attempt.message = error.message.slice(0, attemptMessageLength);
    const { deployment: _id, role: _role, message: _message, connectionWaitMs: _wait, ...outcome } = attempt;
    health.record(deployment.id, outcome, plan.slot);
    publishAttempt({ ...attempt, route: plan.route, provider: deployment.provider });
    return attempt;
  };
  const release = () => {
    cancelTimer();
    cancelRotationCheck();
    clientSignal.removeEventListener('abort', onClientAbort);
  };

  const result = (async (): Promise<AttemptResult> => {
    try {
      const answer = await context.call({
        adapter: context.adapterFor(deployment.provider),
        target: toDeploymentTarget(deployment),
        request: plan.request,
        pools: context.pools,
        signal: controller.signal,
        onDispatched,
        ...(plan.operation === undefined ? {} : { operation: plan.operation }),
      });
      // A whole answer (a response or a count) is its own first content.
      if (answer.type !== 'stream') {
        if (controller.signal.aborted) throw controller.signal.reason;
        committed = true;
        inFlight?.firstContent();
        release();
        const attempt = finish('success', undefined, upstreamTime());
        plan.attempts.push(attempt);
        return { ok: true, deployment, answer, attempt };
      }
      const head = await readStreamHead(answer.events);
      if (controller.signal.aborted) {
        void head.iterator.return?.().catch(() => {});
        throw controller.signal.reason;
      }
      committed = true;
      inFlight?.firstContent();
      cancelTimer();
      const timeToFirstTokenMs = upstreamTime();
      const pending: Attempt = {
        deployment: deployment.id,
        kind: 'success',
        latencyMs: timeToFirstTokenMs,
        role: plan.role,
      };
      plan.attempts.push(pending);
      const events = committedStream(head, {
        clock,
        idleTimeoutMs: plan.idleTimeoutMs,
        ...(plan.stallFloorMs !== undefined ? { stallFloorMs: plan.stallFloorMs } : {}),
        abort: (reason) => controller.abort(reason),
        signal: controller.signal,
        onEnd: (failure) => {
          clientSignal.removeEventListener('abort', onClientAbort);
          Object.assign(pending, finish(failure?.kind ?? 'success', failure, timeToFirstTokenMs));
        },
      });
      return { ok: true, deployment, answer: { ...answer, events }, attempt: pending };
    } catch (thrown) {
      release();
      if (!controller.signal.aborted) controller.abort(attemptAbandoned);
      const error = attemptFailure(thrown, controller.signal);
      const attempt = finish(error.kind, error);
      plan.attempts.push(attempt);
      return { ok: false, deployment, error, attempt };
    }
  })();

  return {
    deployment,
    result,
    abandon: (reason) => {
      if (!committed && !controller.signal.aborted) controller.abort(reason);
    },
    whenDispatched: (callback) => {
      if (dispatchedAt !== undefined) callback();
      else dispatchListener = callback;
    },
  };
}

/** Preallocated: aborting with a reason avoids building a DOMException with a stack on every failure. */
const attemptAbandoned = new AbortReason('abandoned', 'attempt abandoned');
