// The hedge budget on a manual clock: a hedge given back or returned counts in the bucket it was taken
// from, so at the window's edge the wins never outnumber the hedges and the budget never grows room
// it does not have.
import { describe, expect, it } from 'vitest';
import { HedgeBudget } from '../../src/routing/hedge-budget.js';
import { ManualClock } from '../support/manual-clock.js';

function setup() {
  const clock = new ManualClock(0);
  const budget = new HedgeBudget(clock, { ratio: 0.1, windowMs: 10_000 });
  return { clock, budget };
}

describe('hedge budget', () => {
  it('gives a winning hedge back in the bucket it was taken from, so both leave the window together', async () => {
    const { clock, budget } = setup();
    for (let index = 0; index < 10; index += 1) budget.noteRequest();
    await clock.advance(9_900);
    const takenIn = budget.tryTake();
    expect(takenIn).toBe(9_000);
    // The race ends in the next bucket.
    await clock.advance(300);
    budget.giveBack(takenIn!);
    expect(budget.snapshot()).toMatchObject({ requests: 10, hedges: 1, won: 1 });
    // The hedge's bucket leaves the window: its win leaves with it.
    await clock.advance(9_800);
    expect(budget.snapshot()).toMatchObject({ requests: 0, hedges: 0, won: 0 });
    // With no requests in the window there is no room, as for any budget that served nothing.
    expect(budget.tryTake()).toBeUndefined();
    expect(budget.snapshot()).toMatchObject({ hedges: 0, won: 0, denied: 1 });
  });

  it('forgets a win whose hedge has already left the window', async () => {
    const { clock, budget } = setup();
    for (let index = 0; index < 10; index += 1) budget.noteRequest();
    const takenIn = budget.tryTake()!;
    await clock.advance(11_000);
    expect(budget.snapshot()).toMatchObject({ hedges: 0, won: 0 });
    budget.giveBack(takenIn);
    expect(budget.snapshot()).toMatchObject({ hedges: 0, won: 0 });
  });

  it('takes back a hedge that was not sent after all, and refuses beyond the ratio', async () => {
    const { budget } = setup();
    for (let index = 0; index < 10; index += 1) budget.noteRequest();
    const takenIn = budget.tryTake()!;
    expect(budget.tryTake()).toBeUndefined();
    budget.untake(takenIn);
    expect(budget.snapshot()).toMatchObject({ hedges: 0, denied: 1 });
    expect(budget.tryTake()).toBe(takenIn);
  });
});
