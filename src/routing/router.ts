// The attempt loop: for a route, try its deployments in order under ONE deadline, classify every
// failure, retry the same deployment only when its outcome kind allows and the backoff fits the
// deadline, otherwise fail over; hedge a slow first attempt when the route asks for it; continue a
// broken stream on another deployment when the route allows it. Every attempt is reported to health
// (see run-attempt.ts). Token counting takes the same path, over the deployments that can count.
// See docs/design.md.
import type { Attempt, AttemptRole } from '../canonical/attempt.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { UpstreamError } from '../canonical/errors.js';
import type { DeploymentConfig, ProviderKind, SwitchyardConfig } from '../config/schema.js';
import { type AttemptSlot, type HealthGate, unreservedSlot } from '../health/health-gate.js';
import { outcomePolicies } from '../health/outcome-policy.js';
import type { ProviderAdapter } from '../providers/adapter.js';
import {
  type AttemptOperation,
  type CallDeployment,
  callDeployment,
  tokenCountingFor,
} from '../providers/call-deployment.js';
import { toDeploymentTarget } from '../providers/deployment-target.js';
import { clientAborted } from '../transport/abort-reasons.js';
import type { UpstreamPools } from '../transport/upstream-pools.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { backoffDelay } from './backoff.js';
import { orderCandidates } from './candidates.js';
import { preferCapable } from './capability-order.js';
import { continueStream } from './continue-stream.js';
import { Deadline } from './deadline.js';
import { firstTokenLimit, isPatientRequest } from './first-token-limit.js';
import { HedgeBudget } from './hedge-budget.js';
import { hedgeDelay, outsideDomains, raceWithHedge } from './hedge-race.js';
import type { ResolvedRoute, RouteTable } from './resolve-route.js';
import { allFailedError, clientFacingError } from './route-errors.js';
import { shedLowPriority } from './priority-shedding.js';
import type { KeyPriority } from '../config/auth-schema.js';
import type { QuotaPressure } from './quota-pressure.js';
import { type AttemptContext, type AttemptResult, type RunningAttempt, runAttempt } from './run-attempt.js';
import type { RoutedCount, RoutedResponse, RoutedStream } from './routed.js';

/** A stream of a continuation route may be finished by another deployment, so it must stay canonical. */
function streamsContinue(route: ResolvedRoute, request: CanonicalRequest): boolean {
  return route.continuation === 'on' && request.stream && request.original.relay === true;
}

/**
 * The same request on the translate lane: a stream cut after content can only be continued from
 * canonical events, so continuation routes give up the byte-for-byte relay for streams.
 */
function translated(request: CanonicalRequest): CanonicalRequest {
  return { ...request, original: { ...request.original, relay: false } };
}

export interface RouterOptions {
  config: SwitchyardConfig;
  routes: RouteTable;
  pools: UpstreamPools;
  health: HealthGate;
  clock: Clock;
  /** The upstream's waits (run-attempt.ts): stands still while the gateway's own loop is stalled. */
  waitClock?: Pick<Clock, 'now'>;
  random: Random;
  adapterFor: (provider: ProviderKind) => ProviderAdapter;
  call?: CallDeployment;
  /** Rate-limit pressure learned from answers; with it, low-priority requests are shed from a short fallback. */
  pressure?: QuotaPressure;
}

export interface RouteOptions {
  /** The gateway key's priority (no key: normal). */
  priority?: KeyPriority;
}

/** A hedge, with the hedge budget's bucket it was taken from. */
type BudgetedAttempt = RunningAttempt & { takenIn: number };

/** What one request carries through its attempts. */
interface RequestRun {
  route: ResolvedRoute;
  request: CanonicalRequest;
  operation: AttemptOperation;
  clientSignal: AbortSignal;
  deadline: Deadline;
  attempts: Attempt[];
  candidates: DeploymentConfig[];
  /** Deployments already tried by a hedge: the loop does not try them again. */
  tried: Set<string>;
}

export class Router {
  readonly hedgeBudget: HedgeBudget;
  private readonly context: AttemptContext;

  constructor(private readonly options: RouterOptions) {
    this.context = {
      clock: options.clock,
      ...(options.waitClock ? { waitClock: options.waitClock } : {}),
      health: options.health,
      pools: options.pools,
      call: options.call ?? callDeployment,
      adapterFor: options.adapterFor,
    };
    this.hedgeBudget = new HedgeBudget(options.clock, {
      ratio: options.config.hedging.budget,
      windowMs: options.config.hedging.budgetWindowMs,
    });
  }

  /** Serves a request from the first deployment that can; throws GatewayError when none can. */
  async route(
    request: CanonicalRequest,
    clientSignal: AbortSignal,
    routeOptions: RouteOptions = {},
  ): Promise<RoutedResponse | RoutedStream> {
    const routed = await this.serve(request, clientSignal, 'generate', routeOptions);
    if (routed.type === 'count') throw new Error('the router answered a generate request with a token count');
    return routed;
  }

  /**
   * Counts the request's input tokens on the first deployment of its route that can count (the
   * adapter's optional TokenCounting), with the same admission, health, deadline and failover as a
   * request; deployments that cannot count are skipped without being admitted. Throws GatewayError
   * when none could (no deployment of the route counts, or every one that does failed).
   */
  async countTokens(request: CanonicalRequest, clientSignal: AbortSignal): Promise<RoutedCount> {
    const routed = await this.serve(request, clientSignal, 'count-tokens');
    if (routed.type !== 'count') throw new Error('the router answered a token count with a message');
    return routed;
  }

  private canServe(operation: AttemptOperation, deployment: DeploymentConfig): boolean {
    if (operation === 'generate') return true;
    return tokenCountingFor(this.options.adapterFor(deployment.provider), toDeploymentTarget(deployment)) !== undefined;
  }

  private async serve(
    request: CanonicalRequest,
    clientSignal: AbortSignal,
    operation: AttemptOperation,
    routeOptions: RouteOptions = {},
  ): Promise<RoutedResponse | RoutedStream | RoutedCount> {
    const { config, clock, health, pressure } = this.options;
    const route = this.options.routes.resolve(request.model);
    const run: RequestRun = {
      route,
      operation,
      request: streamsContinue(route, request) ? translated(request) : request,
      clientSignal,
      deadline: new Deadline(clock, config.timeouts.requestMs),
      attempts: [],
      // Health and policy order the route; deployments lacking what the request needs go last.
      candidates: preferCapable(orderCandidates(route, health, this.options.random), request),
      tried: new Set(),
    };
    // Counting tokens spends no generation quota: only generation requests are shed.
    if (pressure && operation === 'generate') {
      const shed = shedLowPriority(routeOptions.priority, route, run.candidates, pressure);
      if (shed) throw shed;
    }
    if (route.hedge !== 'off') this.hedgeBudget.noteRequest();
    let contextLimit: number | undefined;
    // When no deployment takes what the request uses, the client hears the platform's own 400.
    let lastUnsupported: UpstreamError | undefined;

    for (const [index, deployment] of run.candidates.entries()) {
      if (run.tried.has(deployment.id)) continue;
      if (contextLimit !== undefined && !((deployment.contextWindow ?? 0) > contextLimit)) continue;
      // Before admission: a deployment that cannot count must not take a probe slot it would not use.
      if (!this.canServe(operation, deployment)) continue;
      if (!health.admit(deployment.id)) continue;
      for (let attemptNumber = 1; attemptNumber <= config.retry.maxAttemptsPerDeployment; attemptNumber += 1) {
        if (clientSignal.aborted) throw clientAborted();
        if (run.deadline.expired()) throw allFailedError(route, run.attempts, 'deadline');
        // Every attempt, retries included, needs its fleet slot; a refused one goes to the next deployment.
        // A retry goes on the first attempt's admit: it has none of its own to give back.
        let slot = this.reserve(deployment.id, attemptNumber === 1);
        if (slot instanceof Promise) slot = await slot;
        if (!slot) break;
        const role: AttemptRole = attemptNumber > 1 ? 'retry' : run.attempts.length > 0 ? 'failover' : 'first';
        const { result, hedge } = await this.attemptMaybeHedged(run, deployment, role, slot);
        if (result.ok) {
          pressure?.observeHeaders(result.deployment.id, result.answer.upstreamHeaders);
          if (result.attempt.role === 'failover') pressure?.observeFailoverServed(result.deployment.id);
          return this.routed(run, result, hedge);
        }
        const { error } = result;
        if (error.kind === 'rate-limited') pressure?.observeRateLimited(result.deployment.id, error.retryAfterMs);
        const policy = outcomePolicies[error.kind];
        if (error.kind === 'client-aborted') throw clientAborted();
        if (!policy.failover && !policy.retrySameDeployment) throw clientFacingError(error, run.attempts);
        if (error.kind === 'unsupported-feature') lastUnsupported = error;
        if (error.kind === 'context-length') {
          // Only a deployment with a larger window can help; without a known window, none can.
          if (deployment.contextWindow === undefined) throw clientFacingError(error, run.attempts);
          contextLimit = deployment.contextWindow;
          break;
        }
        // Never spend backoff time on a failing deployment while another one may serve at once.
        const alternativeLeft = index < run.candidates.length - 1;
        if (!policy.retrySameDeployment || alternativeLeft || attemptNumber === config.retry.maxAttemptsPerDeployment)
          break;
        const delay = error.retryAfterMs ?? backoffDelay(attemptNumber, config.retry, this.options.random);
        if (!run.deadline.fits(delay)) break;
        try {
          await clock.sleep(delay, clientSignal);
        } catch {
          throw clientAborted();
        }
      }
    }
    const lastContextError = [...run.attempts].reverse().find((record) => record.kind === 'context-length');
    if (lastContextError && run.attempts.every((record) => record.kind === 'context-length')) {
      throw new GatewayError({
        status: 400,
        code: 'SWITCHYARD_UPSTREAM_ERROR',
        message: lastContextError.message ?? 'the prompt is too long for every deployment of this route',
        shouldRetry: false,
        upstreamType: 'invalid_request_error',
      });
    }
    if (lastUnsupported && run.attempts.every((record) => record.kind === 'unsupported-feature'))
      throw clientFacingError(lastUnsupported, run.attempts);
    throw allFailedError(route, run.attempts, run.deadline.expired() ? 'deadline' : 'exhausted');
  }

  private async attemptMaybeHedged(
    run: RequestRun,
    deployment: DeploymentConfig,
    role: AttemptRole,
    slot: AttemptSlot,
  ): Promise<{ result: AttemptResult; hedge?: 'won' | 'lost' }> {
    const first = this.start(run, deployment, role, run.request, slot);
    const { config, health, clock } = this.options;
    const firstTokenMs = deployment.timeouts?.firstTokenMs ?? config.timeouts.firstTokenMs;
    // What was learned from requests like this one: first tokens for a stream, whole answers otherwise;
    // nothing fits a long-thinking request, which `auto` therefore never hedges.
    const learned = isPatientRequest(run.request)
      ? undefined
      : run.request.stream
        ? health.firstTokenFigures?.(deployment.id)
        : health.wholeAnswerFigures?.(deployment.id);
    const delay = hedgeDelay(run.route.hedge, learned, firstTokenMs, {
      minimumDelayMs: config.hedging.minimumDelayMs,
    });
    if (delay === undefined) return { result: await first.result };
    const outcome = await raceWithHedge(first, delay, clock, () => this.startHedge(run, deployment));
    if (!outcome.hedge) return { result: outcome.result };
    const won = outcome.result.ok && outcome.result.deployment === outcome.hedge.deployment;
    if (won) this.hedgeBudget.giveBack(outcome.hedge.takenIn);
    return { result: outcome.result, hedge: won ? 'won' : 'lost' };
  }

  /**
   * The next admitted candidate outside every failure domain of `first`, if the budget allows one more
   * hedge; `takenIn` is the budget bucket it came from (given back there if the hedge wins).
   */
  private async startHedge(run: RequestRun, first: DeploymentConfig): Promise<BudgetedAttempt | undefined> {
    if (run.clientSignal.aborted || run.deadline.expired()) return undefined;
    const candidate = run.candidates.find(
      (deployment) =>
        !run.tried.has(deployment.id) && outsideDomains(first, deployment) && this.canServe(run.operation, deployment),
    );
    const takenIn = candidate ? this.hedgeBudget.tryTake() : undefined;
    if (!candidate || takenIn === undefined) return undefined;
    const slot = this.options.health.admit(candidate.id) ? await this.reserve(candidate.id) : undefined;
    if (!slot || run.clientSignal.aborted) {
      this.hedgeBudget.untake(takenIn);
      // Granted while the client left: the admit and the fleet slot go back unused, and nothing is counted.
      if (slot) this.options.health.giveBack?.(candidate.id, slot);
      return undefined;
    }
    run.tried.add(candidate.id);
    return { ...this.start(run, candidate, 'hedge', run.request, slot), takenIn };
  }

  /** Shared health: an admitted attempt's fleet slot (undefined: refused, do not send it). */
  private reserve(id: string, ownAdmit = true): AttemptSlot | undefined | Promise<AttemptSlot | undefined> {
    return this.options.health.reserve ? this.options.health.reserve(id, ownAdmit) : unreservedSlot;
  }

  private start(
    run: RequestRun,
    deployment: DeploymentConfig,
    role: AttemptRole,
    request: CanonicalRequest,
    slot: AttemptSlot,
  ) {
    const { config, health } = this.options;
    const configured = deployment.timeouts?.firstTokenMs ?? config.timeouts.firstTokenMs;
    // The limit adapts to what was learned, hedged routes included: it lies far past the hedge delay, and
    // an attempt whose hedge the budget refused must not wait the whole firstTokenMs.
    const adaptive = run.route.firstTokenLimit === 'adaptive';
    const limit = firstTokenLimit(
      configured,
      adaptive ? health.firstTokenFigures?.(deployment.id) : undefined,
      request,
      { factor: config.timeouts.firstTokenFactor, floorMs: config.timeouts.firstTokenFloorMs },
    );
    // A non-streaming answer has no first token to adapt to; once it has waited past the adaptive limit,
    // it still fails over when its deployment was taken out of rotation meanwhile (it hangs or stalls).
    const wholeAnswer = health.wholeAnswerFigures?.(deployment.id);
    const checkRotationAfterMs =
      adaptive && !request.stream && !isPatientRequest(request)
        ? Math.max(config.timeouts.firstTokenFactor * (wholeAnswer?.p99 ?? 0), config.timeouts.firstTokenFloorMs)
        : undefined;
    return runAttempt(this.context, {
      route: run.route.name,
      deployment,
      request,
      operation: run.operation,
      role,
      firstTokenMs: limit.limitMs,
      adaptedLimit: limit.adapted,
      ...(checkRotationAfterMs !== undefined && checkRotationAfterMs < limit.limitMs ? { checkRotationAfterMs } : {}),
      idleTimeoutMs: configured,
      ...(run.route.continuation === 'on' ? { stallFloorMs: config.timeouts.stallFloorMs } : {}),
      deadline: run.deadline,
      clientSignal: run.clientSignal,
      attempts: run.attempts,
      slot,
    });
  }

  private routed(run: RequestRun, result: AttemptResult & { ok: true }, hedge?: 'won' | 'lost') {
    const base = {
      route: run.route,
      deployment: result.deployment,
      attempts: run.attempts,
      ...(hedge ? { hedge } : {}),
      ...(result.answer.upstreamHeaders ? { upstreamHeaders: result.answer.upstreamHeaders } : {}),
    };
    if (result.answer.type === 'count')
      return { type: 'count' as const, inputTokens: result.answer.inputTokens, ...base };
    if (result.answer.type === 'response') {
      const relayed = result.answer.relayed;
      return { type: 'response' as const, response: result.answer.response, ...base, ...(relayed ? { relayed } : {}) };
    }
    // A relayed stream is the upstream's own bytes: another deployment's answer cannot continue it.
    if (result.answer.relayed === true)
      return { type: 'stream' as const, events: result.answer.events, relayed: true, ...base };
    // Continuations never go back to a deployment that already broke this answer.
    const failed = new Set([result.deployment.id]);
    const events =
      run.route.continuation === 'on'
        ? continueStream(result.answer.events, {
            request: run.request,
            resume: (request) => this.resume(run, request, failed),
          })
        : result.answer.events;
    return { type: 'stream' as const, events, ...base };
  }

  /**
   * A stream broke after content: the next admitted deployment that declares prefill support gets the
   * continuation request. Undefined when none can (the caller then ends with the original failure).
   */
  private async resume(
    run: RequestRun,
    request: CanonicalRequest,
    failed: Set<string>,
  ): Promise<AsyncIterable<CanonicalStreamEvent> | undefined> {
    for (const deployment of run.candidates) {
      if (failed.has(deployment.id) || deployment.prefill !== true) continue;
      if (run.clientSignal.aborted || run.deadline.expired()) return undefined;
      if (!this.options.health.admit(deployment.id)) continue;
      const slot = await this.reserve(deployment.id);
      if (!slot) continue;
      failed.add(deployment.id);
      const result = await this.start(run, deployment, 'continuation', request, slot).result;
      if (result.ok && result.answer.type === 'stream') return result.answer.events;
    }
    return undefined;
  }
}
