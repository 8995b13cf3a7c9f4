// One deadline per request, covering every attempt and every backoff sleep.
import type { Clock } from '../util/clock.js';

export class Deadline {
  readonly expiresAt: number;

  constructor(
    private readonly clock: Clock,
    budgetMs: number,
  ) {
    this.expiresAt = clock.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.clock.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Would something that takes `ms` still finish inside the deadline? */
  fits(ms: number): boolean {
    return ms < this.remainingMs();
  }
}
