// A hedged attempt: when the first attempt has waited past its hedge delay without content, a second
// one starts on a deployment outside every failure domain of the first; the first to produce content
// (a stream's first content, or a whole non-streaming answer) wins and the other is abandoned at once. If one fails, the other is waited for; if both fail, the
// first one's failure is what the attempt loop goes on with (the hedge's is in the attempt list).
import type { DeploymentConfig } from '../config/schema.js';
import type { Percentiles } from '../health/latency-histogram.js';
import { AbortReason } from '../transport/abort-reasons.js';
import type { Clock } from '../util/clock.js';
import type { AttemptResult, RunningAttempt } from './run-attempt.js';

export type HedgeSetting = 'off' | 'auto' | { afterMs: number };

export interface HedgeDelaySettings {
  /** No hedge sooner than this, whatever was learned. */
  minimumDelayMs: number;
}

/**
 * When to hedge an attempt, or undefined for never: `auto` waits the deployment's learned p95 of what
 * the request waits for — its first token for a stream, its whole answer otherwise (the caller gives
 * the figures that fit, none for a long-thinking request) — at least minimumDelayMs, and under the
 * first-token limit, past which hedging is moot.
 */
export function hedgeDelay(
  setting: HedgeSetting,
  learned: Percentiles | undefined,
  firstTokenMs: number,
  settings: HedgeDelaySettings,
): number | undefined {
  if (setting === 'off') return undefined;
  const learnedDelay = learned ? Math.max(learned.p95, settings.minimumDelayMs) : undefined;
  const delay = setting === 'auto' ? learnedDelay : setting.afterMs;
  return delay !== undefined && delay < firstTokenMs ? delay : undefined;
}

/** True when the two deployments share no failure domain (a hedge must not fail for the same reason). */
export function outsideDomains(first: DeploymentConfig, candidate: DeploymentConfig): boolean {
  return candidate.id !== first.id && !candidate.domains.some((domain) => first.domains.includes(domain));
}

export interface HedgeOutcome<Hedge extends RunningAttempt = RunningAttempt> {
  result: AttemptResult;
  /** The hedge attempt, when one was started. */
  hedge?: Hedge;
}

/**
 * Runs `first`; after `delayMs` from its dispatch without content asks `startHedge` for a second attempt (it may decline:
 * no candidate, no budget) and races the two.
 */
export async function raceWithHedge<Hedge extends RunningAttempt>(
  first: RunningAttempt,
  delayMs: number,
  clock: Clock,
  startHedge: () => Hedge | undefined | Promise<Hedge | undefined>,
): Promise<HedgeOutcome<Hedge>> {
  let cancelTimer: () => void = () => {};
  let settled = false;
  // The delay counts from when the first attempt left on a connection: a wait for one is the gateway's.
  const due = new Promise<'hedge'>((resolve) => {
    first.whenDispatched(() => {
      if (!settled) cancelTimer = clock.schedule(delayMs, () => resolve('hedge'));
    });
  });
  const early = await Promise.race([first.result, due]);
  settled = true;
  cancelTimer();
  if (early !== 'hedge') return { result: early };
  const hedge = await startHedge();
  if (!hedge) return { result: await first.result };
  const result = await firstSuccess(first, hedge);
  return { result, hedge };
}

async function firstSuccess(first: RunningAttempt, hedge: RunningAttempt): Promise<AttemptResult> {
  const pending = new Map<RunningAttempt, Promise<{ side: RunningAttempt; result: AttemptResult }>>([
    [first, first.result.then((result) => ({ side: first, result }))],
    [hedge, hedge.result.then((result) => ({ side: hedge, result }))],
  ]);
  while (pending.size > 0) {
    const { side, result } = await Promise.race(pending.values());
    pending.delete(side);
    if (!result.ok) continue;
    const other = side === first ? hedge : first;
    const which = side === hedge ? 'the hedge on' : 'the first attempt on';
    // The loser ends (and is recorded) off the path: the winner goes on at once.
    other.abandon(new AbortReason('abandoned', `${which} ${side.deployment.id} answered first`));
    return result;
  }
  return first.result;
}
