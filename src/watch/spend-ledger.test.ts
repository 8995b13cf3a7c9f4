import { describe, expect, it } from 'vitest';
import { costUsd, publishedPrice, unknownModelPrice } from './published-prices.js';
import { SpendLedger } from './spend-ledger.js';

const day = 24 * 60 * 60_000;
const start = Date.UTC(2026, 0, 5, 23, 0, 0);

describe('SpendLedger', () => {
  it('refuses the request that could take the day past the cap, and starts again the next UTC day', () => {
    const price = { inputPerMillionTokens: 1_000_000, outputPerMillionTokens: 1_000_000 }; // $1 a token
    const ledger = new SpendLedger(() => ({ capUsd: 50, price }));
    let sent = 0;
    while (ledger.allows('gpt', start)) {
      ledger.charge('gpt', start, 9, 1);
      sent += 1;
    }
    // Each costs $10; the next is assumed to cost the 17-token estimate ($17) while that is dearer, so the
    // fifth ($40 + $17 > $50) is refused although $10 more would have fitted: the cap errs low.
    expect(sent).toBe(4);
    expect(ledger.status('gpt', start)).toMatchObject({ spentTodayUsd: 40, requestsToday: 4, capped: true });
    expect(SpendLedger.nextDay(start)).toBe(Date.UTC(2026, 0, 6));
    expect(ledger.allows('gpt', start + day)).toBe(true);
    expect(ledger.status('gpt', start + day).spentTodayUsd).toBe(0);
  });
});

describe('published prices', () => {
  it('knows the families a watch pings, by any platform id, and charges unknown models the most', () => {
    expect(publishedPrice('claude-sonnet-4-6')).toEqual({ inputPerMillionTokens: 3, outputPerMillionTokens: 15 });
    expect(publishedPrice('us.anthropic.claude-sonnet-4-5-20250929-v1:0')?.inputPerMillionTokens).toBe(3);
    expect(publishedPrice('claude-opus-4-5@20251101')?.inputPerMillionTokens).toBe(5);
    expect(publishedPrice('claude-opus-4-1-20250805')?.inputPerMillionTokens).toBe(15);
    expect(publishedPrice('gpt-5-mini')?.inputPerMillionTokens).toBe(0.25);
    expect(publishedPrice('gemini-2.5-pro')?.outputPerMillionTokens).toBe(10);
    expect(publishedPrice('llama-3.3-70b')).toBeUndefined();
    expect(unknownModelPrice.outputPerMillionTokens).toBe(75);
    expect(costUsd({ inputPerMillionTokens: 3, outputPerMillionTokens: 15 }, 8, 1)).toBeCloseTo(0.000039, 9);
  });
});
