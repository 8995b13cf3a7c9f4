// Scripted attempt outcomes and a manual clock around the real Router, shared by the routing tests.
import { Router } from '../../src/routing/router.js';
import { RouteTable } from '../../src/routing/resolve-route.js';
import { parseConfig } from '../../src/config/load-config.js';
import { UpstreamError, type FailureKind } from '../../src/canonical/errors.js';
import type { CanonicalStreamEvent } from '../../src/canonical/stream-event.js';
import type { CallDeployment, CallDeploymentOptions } from '../../src/providers/call-deployment.js';
import type { AttemptOutcome } from '../../src/canonical/attempt.js';
import type { AttemptSlot, HealthGate } from '../../src/health/health-gate.js';
import { UpstreamPools } from '../../src/transport/upstream-pools.js';
import type { AbortReason } from '../../src/transport/abort-reasons.js';
import { seededRandom } from '../../src/util/random.js';
import { LoopStalls } from '../../src/util/loop-stalls.js';
import { ManualClock, flushMicrotasks } from '../support/manual-clock.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import type { CanonicalRequest } from '../../src/canonical/request.js';
import type { RouteConfig } from '../../src/config/schema.js';

export type Step =
  | { type: 'ok' }
  | { type: 'fail'; kind: FailureKind; status?: number; retryAfterMs?: number }
  | { type: 'hang' }
  | { type: 'stream'; events: CanonicalStreamEvent[]; thenFail?: FailureKind; thenHang?: boolean }
  /** Answers `then` after `ms` on the manual clock (an upstream slow to its first token). */
  | { type: 'slow'; ms: number; answer: Step }
  /**
   * Waits `ms` on the manual clock for a connection before the request leaves (the gateway's wait,
   * as the pool reports it through onDispatched), then goes on with `answer`.
   */
  | { type: 'queued'; ms: number; answer: Step }
  /** Right after the request left, the gateway's own event loop is blocked for `ms` (a stall), then `answer`. */
  | { type: 'stall'; ms: number; answer: Step };

export const usage = { inputTokens: 3, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 };
export const textStream: CanonicalStreamEvent[] = [
  { type: 'message-start' },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'hi' },
  { type: 'block-end', index: 0 },
  { type: 'finish', reason: 'end-turn', usage },
];

export function setup(options: {
  scripts: Record<string, Step[]>;
  requestMs?: number;
  firstTokenMs?: number;
  maxAttempts?: number;
  contextWindows?: Record<string, number>;
  admit?: (id: string) => boolean;
  /** Fleet slots (shared health): undefined refuses the attempt. */
  reserve?: (id: string, ownAdmit?: boolean) => AttemptSlot | undefined | Promise<AttemptSlot | undefined>;
  /** A real health gate (e.g. a HealthTracker on `clock`); replaces the recording stub. */
  health?: (clock: ManualClock) => HealthGate;
  domains?: Record<string, string[]>;
  clock?: ManualClock;
  /** Route behaviour (hedge, continuation, firstTokenLimit). */
  route?: Partial<Pick<RouteConfig, 'hedge' | 'continuation' | 'firstTokenLimit'>>;
  /** Deployments that declare prefill support. */
  prefill?: string[];
  hedging?: { budget?: number; budgetWindowMs?: number; minimumDelayMs?: number };
  timeouts?: { firstTokenFactor?: number; firstTokenFloorMs?: number; stallFloorMs?: number };
  /** Deployments whose adapter can count tokens (an `ok` count answers 42); none when absent. */
  counting?: string[];
  /** Measure the gateway's loop stalls (util/loop-stalls.ts) and time the upstreams' waits without them. */
  loopStalls?: boolean;
}) {
  const ids = Object.keys(options.scripts);
  const config = parseConfig({
    deployments: ids.map((id) => ({
      id,
      provider: 'anthropic',
      model: `model-${id}`,
      apiKey: 'key',
      ...(options.contextWindows?.[id] ? { contextWindow: options.contextWindows[id] } : {}),
      ...(options.domains?.[id] ? { domains: options.domains[id] } : {}),
      ...(options.prefill?.includes(id) ? { prefill: true } : {}),
    })),
    routes: [{ name: 'sonnet', deployments: ids, ...options.route }],
    timeouts: {
      requestMs: options.requestMs ?? 60_000,
      connectMs: 1000,
      firstTokenMs: options.firstTokenMs ?? 30_000,
      ...options.timeouts,
    },
    ...(options.hedging ? { hedging: options.hedging } : {}),
    retry: { maxAttemptsPerDeployment: options.maxAttempts ?? 2, baseDelayMs: 200, maxDelayMs: 5000 },
  });
  const clock = options.clock ?? new ManualClock();
  const calls: Array<{ deployment: string; at: number; request: CanonicalRequest; operation: string }> = [];
  const recorded: Array<{ deployment: string; outcome: AttemptOutcome; slot?: AttemptSlot }> = [];
  const givenBack: Array<{ deployment: string; slot: AttemptSlot }> = [];
  const inner = options.health?.(clock);
  const health: HealthGate = {
    admit: (id) => (inner ? inner.admit(id) : (options.admit ?? (() => true))(id)),
    record: (deployment, outcome, slot) => {
      recorded.push({ deployment, outcome, ...(slot ? { slot } : {}) });
      inner?.record(deployment, outcome, slot);
    },
    giveBack: (deployment, slot) => {
      givenBack.push({ deployment, slot });
      inner?.giveBack?.(deployment, slot);
    },
    ...(options.reserve ? { reserve: options.reserve } : {}),
    ...(inner?.order ? { order: (ids: readonly string[]) => inner.order!(ids) } : {}),
    ...(inner?.start
      ? {
          start: (id: string, startOptions?: { patient?: boolean; stream?: boolean }) => inner.start!(id, startOptions),
        }
      : {}),
    ...(inner?.firstTokenFigures ? { firstTokenFigures: (id: string) => inner.firstTokenFigures!(id) } : {}),
    ...(inner?.wholeAnswerFigures ? { wholeAnswerFigures: (id: string) => inner.wholeAnswerFigures!(id) } : {}),
    ...(inner?.outOfRotation ? { outOfRotation: (id: string) => inner.outOfRotation!(id) } : {}),
  };
  const call: CallDeployment = async ({ target, signal, request, operation, onDispatched }: CallDeploymentOptions) => {
    calls.push({ deployment: target.id, at: clock.now(), request, operation: operation ?? 'generate' });
    const script = options.scripts[target.id]!;
    let step = (script.length > 1 ? script.shift() : script[0]) ?? { type: 'ok' };
    if (step.type === 'queued') {
      try {
        await clock.sleep(step.ms, signal);
      } catch {
        const reason = signal.reason as AbortReason;
        throw new UpstreamError({ kind: reason.kind, message: reason.message });
      }
      step = step.answer;
    }
    onDispatched?.();
    while (step.type === 'stall') {
      clock.stall(step.ms);
      const after: Step = step.answer;
      step = after;
    }
    while (step.type === 'slow') {
      const { ms, answer }: { ms: number; answer: Step } = step;
      try {
        await clock.sleep(ms, signal);
      } catch {
        const reason = signal.reason as AbortReason;
        throw new UpstreamError({ kind: reason.kind, message: reason.message });
      }
      step = answer;
    }
    if (step.type === 'ok' && operation === 'count-tokens') return { type: 'count', inputTokens: 42 };
    if (step.type === 'ok') {
      return {
        type: 'response',
        response: { content: [{ type: 'text', text: target.id }], finishReason: 'end-turn', usage },
      };
    }
    if (step.type === 'fail') {
      throw new UpstreamError({
        kind: step.kind,
        message: `${step.kind} from ${target.id}`,
        status: step.status,
        retryAfterMs: step.retryAfterMs,
      });
    }
    if (step.type === 'hang') {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          const reason = signal.reason as AbortReason;
          reject(new UpstreamError({ kind: reason.kind, message: reason.message }));
        });
      });
    }
    async function* events(): AsyncGenerator<CanonicalStreamEvent> {
      for (const event of step.type === 'stream' ? step.events : []) yield event;
      if (step.type === 'stream' && step.thenFail) throw new UpstreamError({ kind: step.thenFail, message: 'cut' });
      if (step.type === 'stream' && step.thenHang) {
        await new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            const reason = signal.reason as AbortReason;
            reject(new UpstreamError({ kind: reason.kind, message: reason.message }));
          }),
        );
      }
    }
    return { type: 'stream', events: events() };
  };
  const stalls = options.loopStalls ? new LoopStalls(clock) : undefined;
  stalls?.start();
  const router = new Router({
    config,
    routes: new RouteTable(config),
    pools: new UpstreamPools({ connectTimeoutMs: 1000 }),
    health,
    clock,
    ...(stalls ? { waitClock: stalls.waitClock } : {}),
    random: seededRandom(7),
    adapterFor: () =>
      ({
        countTokens: {
          supports: (target) => options.counting?.includes(target.id) ?? false,
          buildRequest: () => ({ method: 'POST', url: 'http://unused', headers: {} }),
          parseResponse: () => 42,
        },
      }) as Partial<ProviderAdapter> as ProviderAdapter,
    call,
  });
  return { router, clock, calls, recorded, givenBack, config };
}

export async function settle<T>(promise: Promise<T>, clock: ManualClock): Promise<T | unknown> {
  let outcome: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => (outcome = { value, done: true }),
    (error) => (outcome = { error, done: true }),
  );
  for (let round = 0; round < 1_000 && !outcome.done; round += 1) {
    await flushMicrotasks(2);
    if (!outcome.done) await clock.advance(50);
  }
  if (!outcome.done) throw new Error('route() never settled');
  return outcome.error ?? outcome.value;
}
