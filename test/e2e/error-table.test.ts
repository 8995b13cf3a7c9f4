// The error table (src/routing/route-errors.ts, README "Errors"), row by row, in both client formats,
// through the official SDKs: when every deployment of a route failed, the client hears the real cause.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 5 });
  const sim = simulator.url;
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${sim}/u/claude-a`,
        apiKey: 'k-a',
      },
      {
        id: 'claude-b',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${sim}/u/claude-b`,
        apiKey: 'k-b',
      },
      { id: 'gpt-a', provider: 'openai', model: 'gpt-5-mini', baseUrl: `${sim}/u/gpt-a/v1`, apiKey: 'k-c' },
      { id: 'gpt-b', provider: 'openai', model: 'gpt-5', baseUrl: `${sim}/u/gpt-b/v1`, apiKey: 'k-d' },
    ],
    routes: [
      { name: 'claude-pair', deployments: ['claude-a', 'claude-b'] },
      { name: 'gpt-pair', deployments: ['gpt-a', 'gpt-b'] },
    ],
    timeouts: { requestMs: 10_000, connectMs: 1_000, firstTokenMs: 300 },
    // One attempt each: the rows are about what the client hears, not about retry pacing.
    retry: { maxAttemptsPerDeployment: 1, baseDelayMs: 10, maxDelayMs: 50 },
    health: { enabled: false },
    store: false,
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
});

afterEach(async () => {
  simulator.faults.clear();
});

function fault(target: string, spec: Record<string, unknown>): void {
  simulator.faults.add({ id: `${target}-${String(spec.kind)}`, target, ...spec } as never);
}

function faultAll(targets: string[], spec: (target: string, index: number) => Record<string, unknown>): void {
  for (const [index, target] of targets.entries()) fault(target, spec(target, index));
}

const ask = (model: string) => ({ model, max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hi' }] });
const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Hi' }] });

async function anthropicError(): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await anthropic.messages.create(ask('claude-pair')).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(Anthropic.APIError);
  return error as InstanceType<typeof Anthropic.APIError>;
}

async function openAIError(): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await openai.chat.completions.create(chat('gpt-pair')).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

function errorType(error: InstanceType<typeof Anthropic.APIError>): unknown {
  return (error.error as { error?: { type?: unknown } } | undefined)?.error?.type;
}

describe('every deployment rate-limited → 429 rate_limit_error with the soonest retry-after', () => {
  it('Anthropic client', async () => {
    faultAll(['claude-a', 'claude-b'], (_, index) => ({
      kind: 'error',
      status: 429,
      retryAfterSeconds: index === 0 ? 7 : 3,
    }));
    const error = await anthropicError();
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.status).toBe(429);
    expect(errorType(error)).toBe('rate_limit_error');
    expect(error.headers?.get('retry-after')).toBe('3');
  });

  it('OpenAI client', async () => {
    faultAll(['gpt-a', 'gpt-b'], (_, index) => ({
      kind: 'error',
      status: 429,
      retryAfterSeconds: index === 0 ? 2 : 9,
    }));
    const error = await openAIError();
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('retry-after')).toBe('2');
  });
});

describe('every deployment overloaded → 529 overloaded_error (Anthropic) / 503 (OpenAI)', () => {
  it('Anthropic client', async () => {
    faultAll(['claude-a', 'claude-b'], () => ({ kind: 'error', status: 529 }));
    const error = await anthropicError();
    expect(error.status).toBe(529);
    expect(errorType(error)).toBe('overloaded_error');
  });

  it('OpenAI client', async () => {
    faultAll(['gpt-a', 'gpt-b'], () => ({ kind: 'error', status: 503 }));
    const error = await openAIError();
    expect(error.status).toBe(503);
  });
});

describe("the gateway's own provider credentials refused → 502 api_error naming the deployment", () => {
  it('Anthropic client: never 401, never overloaded', async () => {
    faultAll(['claude-a', 'claude-b'], () => ({ kind: 'error', status: 401 }));
    const error = await anthropicError();
    expect(error.status).toBe(502);
    expect(errorType(error)).toBe('api_error');
    expect(error.message).toContain('claude-a');
    expect(error.message).toContain('claude-b');
    expect(error.message).not.toContain('k-a');
  });

  it('OpenAI client', async () => {
    faultAll(['gpt-a', 'gpt-b'], () => ({ kind: 'error', status: 403 }));
    const error = await openAIError();
    expect(error.status).toBe(502);
    expect(error.message).toContain('gpt-a');
  });
});

describe('every deployment timed out → 504', () => {
  it('Anthropic client', async () => {
    faultAll(['claude-a', 'claude-b'], () => ({ kind: 'hang' }));
    const error = await anthropicError();
    expect(error.status).toBe(504);
    expect(errorType(error)).toBe('timeout_error');
  });

  it('OpenAI client', async () => {
    faultAll(['gpt-a', 'gpt-b'], () => ({ kind: 'hang' }));
    const error = await openAIError();
    expect(error.status).toBe(504);
  });
});

describe('a same-format client error passes through unchanged', () => {
  it('Anthropic client: the upstream 400, message intact', async () => {
    const message = `bad request: ${'detail '.repeat(60)}`;
    fault('claude-a', { kind: 'error', status: 400, message });
    const error = await anthropicError();
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(errorType(error)).toBe('invalid_request_error');
    expect(error.message).toContain(message.trim());
  });

  it('OpenAI client: the upstream 400, message intact', async () => {
    const message = `bad request: ${'detail '.repeat(60)}`;
    fault('gpt-a', { kind: 'error', status: 400, message });
    const error = await openAIError();
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain(message.trim());
  });
});
