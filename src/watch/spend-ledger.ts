// What monitor-only mode has spent per deployment today (UTC), and whether one more synthetic request
// fits under the day's cap. The next request is assumed to cost as much as the dearest one so far
// (or a conservative estimate before the first), so the cap holds before the bill, not after it.
import type { TokenPrice } from '../config/watch-schema.js';
import { costUsd } from './published-prices.js';

const dayMs = 24 * 60 * 60_000;
/** What a "ping" with max_tokens 1 is assumed to cost before any upstream has reported usage. */
const estimatedInputTokens = 16;
const estimatedOutputTokens = 1;

interface Account {
  day: number;
  spentUsd: number;
  requests: number;
  dearestUsd: number;
}

export interface SpendStatus {
  spentTodayUsd: number;
  requestsToday: number;
  capUsd: number;
  capped: boolean;
}

export class SpendLedger {
  private readonly accounts = new Map<string, Account>();

  constructor(private readonly caps: (deploymentId: string) => { capUsd: number; price: TokenPrice }) {}

  /** Whether one more request to the deployment keeps today's spend within the cap. */
  allows(deploymentId: string, now: number): boolean {
    const account = this.account(deploymentId, now);
    const { capUsd, price } = this.caps(deploymentId);
    const next = Math.max(account.dearestUsd, costUsd(price, estimatedInputTokens, estimatedOutputTokens));
    return account.spentUsd + next <= capUsd;
  }

  charge(deploymentId: string, now: number, inputTokens: number, outputTokens: number): number {
    const account = this.account(deploymentId, now);
    const cost = costUsd(this.caps(deploymentId).price, inputTokens, outputTokens);
    account.spentUsd += cost;
    account.requests += 1;
    account.dearestUsd = Math.max(account.dearestUsd, cost);
    return cost;
  }

  /** When the day of `now` ends (UTC), so a capped deployment knows when it may send again. */
  static nextDay(now: number): number {
    return (Math.floor(now / dayMs) + 1) * dayMs;
  }

  status(deploymentId: string, now: number): SpendStatus {
    const account = this.account(deploymentId, now);
    return {
      spentTodayUsd: account.spentUsd,
      requestsToday: account.requests,
      capUsd: this.caps(deploymentId).capUsd,
      capped: !this.allows(deploymentId, now),
    };
  }

  private account(deploymentId: string, now: number): Account {
    const day = Math.floor(now / dayMs);
    let account = this.accounts.get(deploymentId);
    if (!account || account.day !== day) {
      account = { day, spentUsd: 0, requests: 0, dearestUsd: account?.dearestUsd ?? 0 };
      this.accounts.set(deploymentId, account);
    }
    return account;
  }
}
