// The rate-limit headers real providers put on every answer, with the names they use, so a gateway
// (or a shedding policy reading them) sees the same wire as in production: Anthropic's
// `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}` (reset as
// an RFC 3339 time) and OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (reset as a
// duration such as `1s` or `6m0s`). Each simulated upstream has its own one-minute window; the
// limits are fixed and generous, and a rate-limit fault reports the window as spent.
import type { ExchangeContext } from './dialect.js';

export const simulatedRequestsPerMinute = 4_000;
export const simulatedTokensPerMinute = 400_000;
/** What one request is taken to cost against the token limit. */
const tokensPerRequest = 100;

interface WindowFigures {
  requestsRemaining: number;
  tokensRemaining: number;
  resetsAtMs: number;
}

function figures(context: ExchangeContext, spent: boolean): WindowFigures {
  const requests = context.window?.requests ?? 1;
  const resetsAtMs = context.window?.resetsAtMs ?? context.nowMs + 60_000;
  if (spent) return { requestsRemaining: 0, tokensRemaining: 0, resetsAtMs };
  return {
    requestsRemaining: Math.max(0, simulatedRequestsPerMinute - requests),
    tokensRemaining: Math.max(0, simulatedTokensPerMinute - requests * tokensPerRequest),
    resetsAtMs,
  };
}

/** `spent`: the answer is a 429, so nothing remains until the reset. */
export function anthropicRateLimitHeaders(context: ExchangeContext, spent = false): Record<string, string> {
  const window = figures(context, spent);
  const reset = new Date(window.resetsAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers: Record<string, string> = {
    'anthropic-ratelimit-requests-limit': String(simulatedRequestsPerMinute),
    'anthropic-ratelimit-requests-remaining': String(window.requestsRemaining),
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': String(simulatedTokensPerMinute),
    'anthropic-ratelimit-tokens-remaining': String(window.tokensRemaining),
    'anthropic-ratelimit-tokens-reset': reset,
  };
  for (const direction of ['input', 'output']) {
    headers[`anthropic-ratelimit-${direction}-tokens-limit`] = String(simulatedTokensPerMinute);
    headers[`anthropic-ratelimit-${direction}-tokens-remaining`] = String(window.tokensRemaining);
    headers[`anthropic-ratelimit-${direction}-tokens-reset`] = reset;
  }
  return headers;
}

function duration(milliseconds: number): string {
  const seconds = Math.max(1, Math.ceil(milliseconds / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${seconds % 60}s` : `${seconds}s`;
}

export function openaiRateLimitHeaders(context: ExchangeContext, spent = false): Record<string, string> {
  const window = figures(context, spent);
  const reset = duration(window.resetsAtMs - context.nowMs);
  return {
    'x-ratelimit-limit-requests': String(simulatedRequestsPerMinute),
    'x-ratelimit-remaining-requests': String(window.requestsRemaining),
    'x-ratelimit-reset-requests': reset,
    'x-ratelimit-limit-tokens': String(simulatedTokensPerMinute),
    'x-ratelimit-remaining-tokens': String(window.tokensRemaining),
    'x-ratelimit-reset-tokens': reset,
  };
}
