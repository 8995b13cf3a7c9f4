// Published list prices (USD per million tokens, standard tier, prompts under 200k tokens) of the
// models a watch most often pings, as the providers' pricing pages gave them when this table was
// written. They only size the spend cap and the README's cost estimate: a deployment's own `price`
// in the watch section wins, and an unknown model is charged at the most expensive price here, so
// the cap errs on the side of spending less.
import type { TokenPrice } from '../config/watch-schema.js';

interface PriceRule {
  /** Matched against the deployment's model id (Bedrock and Vertex ids included). */
  pattern: RegExp;
  price: TokenPrice;
}

const price = (inputPerMillionTokens: number, outputPerMillionTokens: number): TokenPrice => ({
  inputPerMillionTokens,
  outputPerMillionTokens,
});

// First match wins: narrower names before the families that contain them.
const rules: PriceRule[] = [
  { pattern: /claude-opus-4-[5-9]/, price: price(5, 25) },
  { pattern: /claude-(3-)?opus/, price: price(15, 75) },
  { pattern: /claude-(3-7-)?sonnet/, price: price(3, 15) },
  { pattern: /claude-haiku-4|claude-4-haiku/, price: price(1, 5) },
  { pattern: /claude-3-5-haiku/, price: price(0.8, 4) },
  { pattern: /gpt-5(\.\d)?-nano/, price: price(0.05, 0.4) },
  { pattern: /gpt-5(\.\d)?-mini/, price: price(0.25, 2) },
  { pattern: /gpt-5/, price: price(1.25, 10) },
  { pattern: /gpt-4o-mini/, price: price(0.15, 0.6) },
  { pattern: /gpt-4o/, price: price(2.5, 10) },
  { pattern: /gpt-4\.1-mini/, price: price(0.4, 1.6) },
  { pattern: /gpt-4\.1/, price: price(2, 8) },
  { pattern: /gemini-2\.5-pro|gemini-3-pro/, price: price(1.25, 10) },
  { pattern: /gemini-2\.5-flash-lite/, price: price(0.1, 0.4) },
  { pattern: /gemini-2\.5-flash/, price: price(0.3, 2.5) },
];

/** The most expensive price above: what an unknown model is charged. */
export const unknownModelPrice: TokenPrice = price(15, 75);

export function publishedPrice(model: string): TokenPrice | undefined {
  const id = model.toLowerCase();
  return rules.find((rule) => rule.pattern.test(id))?.price;
}

export function costUsd(price: TokenPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.inputPerMillionTokens + outputTokens * price.outputPerMillionTokens) / 1_000_000;
}
