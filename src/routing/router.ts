// The attempt loop: for a route, try its deployments in order under ONE deadline, classify every
// failure, retry the same deployment only when its outcome kind allows and the backoff fits the
// deadline, otherwise fail over; report every outcome to health. See docs/design.md.
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalResponse } from '../canonical/response.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { Attempt } from '../canonical/attempt.js';
import { attemptMessageLength } from '../canonical/attempt.js';
import type { UpstreamError, OutcomeKind } from '../canonical/errors.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { DeploymentConfig, SwitchyardConfig, ProviderKind } from '../config/schema.js';
import type { ProviderAdapter } from '../providers/adapter.js';
import { callDeployment, type CallDeployment } from '../providers/call-deployment.js';
import { toDeploymentTarget } from '../providers/deployment-target.js';
import { attemptFailure } from '../providers/attempt-failure.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import { AbortReason, clientAborted } from '../transport/abort-reasons.js';
import type { HealthGate } from '../health/health-gate.js';
import { outcomePolicies } from '../health/outcome-policy.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { backoffDelay } from './backoff.js';
import { Deadline } from './deadline.js';
import { orderCandidates } from './candidates.js';
import type { RouteTable, ResolvedRoute } from './resolve-route.js';
import { committedStream, readStreamHead } from './commit-stream.js';
import { allFailedError, clientFacingError } from './route-errors.js';
import { publishAttempt } from '../observability/channels.js';
import { isPatientRequest } from './first-token-limit.js';

interface RoutedBase {
  route: ResolvedRoute;
  deployment: DeploymentConfig;
  attempts: Attempt[];
  /** The serving upstream's request id and rate-limit headers. */
  upstreamHeaders?: Record<string, string>;
}
export interface RoutedResponse extends RoutedBase {
  type: 'response';
  response: CanonicalResponse;
  /** Relay lane: the upstream's JSON body, sent to the client unchanged. */
  relayed?: string;
}
export interface RoutedStream extends RoutedBase {
  type: 'stream';
  events: AsyncIterable<CanonicalStreamEvent>;
  /** Relay lane: the events are the upstream's own (`relay` events), written unchanged. */
  relayed?: boolean;
}

export interface RouterOptions {
  config: SwitchyardConfig;
  routes: RouteTable;
  pools: UpstreamPools;
  health: HealthGate;
  clock: Clock;
  random: Random;
  adapterFor: (provider: ProviderKind) => ProviderAdapter;
  call?: CallDeployment;
}

/** Preallocated: aborting with a reason avoids building a DOMException with a stack on every failure. */
const attemptAbandoned = new AbortReason('client-aborted', 'attempt abandoned');

type AttemptResult =
  | { ok: true; routed: RoutedResponse | RoutedStream }
  | { ok: false; error: UpstreamError; record: Attempt };

export class Router {
  private readonly call: CallDeployment;

  constructor(private readonly options: RouterOptions) {
    this.call = options.call ?? callDeployment;
  }

  /** Serves a request from the first deployment that can; throws GatewayError when none can. */
  async route(request: CanonicalRequest, clientSignal: AbortSignal): Promise<RoutedResponse | RoutedStream> {
    const { config, clock, health } = this.options;
    const route = this.options.routes.resolve(request.model);
    const deadline = new Deadline(clock, config.timeouts.requestMs);
    const attempts: Attempt[] = [];
    const candidates = orderCandidates(route, health, this.options.random);
    let contextLimit: number | undefined;

    for (const [index, deployment] of candidates.entries()) {
      if (contextLimit !== undefined && !((deployment.contextWindow ?? 0) > contextLimit)) continue;
      if (!health.admit(deployment.id)) continue;
      for (let attemptNumber = 1; attemptNumber <= config.retry.maxAttemptsPerDeployment; attemptNumber += 1) {
        if (clientSignal.aborted) throw clientAborted();
        if (deadline.expired()) throw allFailedError(route, attempts, 'deadline');
        const result = await this.attempt(route, deployment, request, clientSignal, deadline, attempts);
        if (result.ok) return result.routed;
        const { error } = result;
        const policy = outcomePolicies[error.kind];
        if (error.kind === 'client-aborted') throw clientAborted();
        if (!policy.failover && !policy.retrySameDeployment) throw clientFacingError(error, attempts);
        if (error.kind === 'context-length') {
          // Only a deployment with a larger window can help; without a known window, none can.
          if (deployment.contextWindow === undefined) throw clientFacingError(error, attempts);
          contextLimit = deployment.contextWindow;
          break;
        }
        // Never spend backoff time on a failing deployment while another one may serve at once.
        const alternativeLeft = index < candidates.length - 1;
        if (!policy.retrySameDeployment || alternativeLeft || attemptNumber === config.retry.maxAttemptsPerDeployment)
          break;
        const delay = error.retryAfterMs ?? backoffDelay(attemptNumber, config.retry, this.options.random);
        if (!deadline.fits(delay)) break;
        try {
          await clock.sleep(delay, clientSignal);
        } catch {
          throw clientAborted();
        }
      }
    }
    const lastContextError = [...attempts].reverse().find((record) => record.kind === 'context-length');
    if (lastContextError && attempts.every((record) => record.kind === 'context-length')) {
      throw new GatewayError({
        status: 400,
        code: 'SWITCHYARD_UPSTREAM_ERROR',
        message: lastContextError.message ?? 'the prompt is too long for every deployment of this route',
        shouldRetry: false,
        upstreamType: 'invalid_request_error',
      });
    }
    throw allFailedError(route, attempts, deadline.expired() ? 'deadline' : 'exhausted');
  }

  private async attempt(
    route: ResolvedRoute,
    deployment: DeploymentConfig,
    request: CanonicalRequest,
    clientSignal: AbortSignal,
    deadline: Deadline,
    attempts: Attempt[],
  ): Promise<AttemptResult> {
    const { clock, config } = this.options;
    const startedAt = clock.now();
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(clientAborted());
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    const firstTokenMs = deployment.timeouts?.firstTokenMs ?? config.timeouts.firstTokenMs;
    const budget = Math.min(firstTokenMs, deadline.remainingMs());
    const cancelTimer = clock.schedule(budget, () =>
      controller.abort(
        budget < firstTokenMs
          ? new AbortReason('timeout', `request deadline reached after ${clock.now() - startedAt} ms`)
          : new AbortReason('first-token-timeout', `no first token within ${firstTokenMs} ms`),
      ),
    );
    const inFlight = this.options.health.start?.(deployment.id, { patient: isPatientRequest(request) });
    const finishRecord = (kind: OutcomeKind, error?: UpstreamError, timeToFirstTokenMs?: number): Attempt => {
      inFlight?.end();
      const record: Attempt = { deployment: deployment.id, kind, latencyMs: clock.now() - startedAt };
      if (error?.status !== undefined) record.status = error.status;
      if (error) record.message = error.message;
      this.options.health.record(deployment.id, {
        kind,
        latencyMs: record.latencyMs,
        timeToFirstTokenMs,
        status: error?.status,
        retryAfterMs: error?.retryAfterMs,
      });
      publishAttempt({
        route: route.name,
        deployment: deployment.id,
        provider: deployment.provider,
        kind,
        latencyMs: record.latencyMs,
        ...(timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs } : {}),
        ...(error?.status !== undefined ? { status: error.status } : {}),
        ...(error ? { message: error.message.slice(0, attemptMessageLength) } : {}),
      });
      return record;
    };
    const release = () => {
      cancelTimer();
      clientSignal.removeEventListener('abort', onClientAbort);
    };

    try {
      const adapter = this.options.adapterFor(deployment.provider);
      const answer = await this.call({
        adapter,
        target: toDeploymentTarget(deployment),
        request,
        pools: this.options.pools,
        signal: controller.signal,
      });
      if (answer.type === 'response') {
        inFlight?.firstContent();
        release();
        const record = finishRecord('success', undefined, clock.now() - startedAt);
        attempts.push(record);
        const routed: RoutedResponse = { type: 'response', response: answer.response, route, deployment, attempts };
        if (answer.relayed !== undefined) routed.relayed = answer.relayed;
        if (answer.upstreamHeaders !== undefined) routed.upstreamHeaders = answer.upstreamHeaders;
        return { ok: true, routed };
      }
      const head = await readStreamHead(answer.events);
      inFlight?.firstContent();
      cancelTimer();
      const timeToFirstTokenMs = clock.now() - startedAt;
      const pending: Attempt = { deployment: deployment.id, kind: 'success', latencyMs: timeToFirstTokenMs };
      attempts.push(pending);
      const events = committedStream(head, {
        clock,
        idleTimeoutMs: firstTokenMs,
        abort: (reason) => controller.abort(reason),
        signal: controller.signal,
        onEnd: (failure) => {
          clientSignal.removeEventListener('abort', onClientAbort);
          const record = finishRecord(failure?.kind ?? 'success', failure, timeToFirstTokenMs);
          Object.assign(pending, record);
        },
      });
      const routed: RoutedStream = { type: 'stream', events, route, deployment, attempts };
      if (answer.relayed === true) routed.relayed = true;
      if (answer.upstreamHeaders !== undefined) routed.upstreamHeaders = answer.upstreamHeaders;
      return { ok: true, routed };
    } catch (thrown) {
      release();
      if (!controller.signal.aborted) controller.abort(attemptAbandoned);
      const error = attemptFailure(thrown);
      const record = finishRecord(error.kind, error);
      attempts.push(record);
      return { ok: false, error, record };
    }
  }
}
