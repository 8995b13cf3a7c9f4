// Failover as the SDKs see it: the primary returns 529 / 503, hangs or resets; a stream is cut
// after its first byte; a client aborts. The simulator's own counters are the evidence.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, eventually, type Harness } from './harness.js';

let harness: Harness;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  harness = await startHarness({ firstTokenMs: 500 });
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'client-secret-key', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());
beforeEach(async () => harness.clearFaults());

const ask = { model: 'sonnet', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('failover', () => {
  it.each([
    ['529 overloaded', { kind: 'error', status: 529 }],
    ['503 unavailable', { kind: 'error', status: 503 }],
    ['a hung upstream', { kind: 'hang' }],
    ['a connection reset', { kind: 'reset' }],
  ])('moves to the next deployment when the primary answers %s (non-streaming)', async (_name, fault) => {
    await harness.fault({ target: 'claude-a', ...fault });
    const { data, response } = await anthropic.messages.create(ask).withResponse();
    expect(data.content[0]?.type).toBe('text');
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
  });

  it.each([
    ['529 overloaded', { kind: 'error', status: 529 }],
    ['a hung upstream', { kind: 'hang' }],
    ['a connection reset', { kind: 'reset' }],
    ['a stream cut before any content', { kind: 'cut', afterEvents: 1 }],
  ])('moves a stream to the next deployment when the primary gives %s', async (_name, fault) => {
    await harness.fault({ target: 'claude-a', ...fault });
    const stream = anthropic.messages.stream(ask);
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content[0]?.type).toBe('text');
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
  });

  it('gives the Anthropic SDK an error, not a truncated success, when a stream is cut after content', async () => {
    await harness.fault({ target: 'claude-a', kind: 'cut', afterEvents: 4 });
    const stream = anthropic.messages.stream({ ...ask, model: 'only-claude' });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('gives the OpenAI SDK an error when a stream is cut after content', async () => {
    await harness.fault({ target: 'gpt-a', kind: 'cut', afterEvents: 3 });
    const stream = openai.chat.completions.stream({
      model: 'only-gpt',
      messages: [{ role: 'user', content: 'Hello?' }],
    });
    await expect(stream.finalChatCompletion()).rejects.toThrow();
  });

  it('answers 529 overloaded_error in Anthropic format with retry-after when every deployment is overloaded', async () => {
    await harness.fault({ target: 'claude-*', kind: 'error', status: 529 });
    const error = await anthropic.messages.create(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect((apiError.error as { error?: { type?: string } }).error?.type).toBe('overloaded_error');
    expect(apiError.headers?.get('retry-after')).toBeTruthy();
    expect(JSON.stringify(apiError.error)).toContain('claude-a');
    expect(JSON.stringify(apiError.error)).not.toContain('sk-provider-secret');
  });

  it('answers 503 in OpenAI format when every deployment fails', async () => {
    await harness.fault({ target: 'gpt-a', kind: 'error', status: 500 });
    await harness.fault({ target: 'claude-b', kind: 'error', status: 503 });
    const error = await openai.chat.completions
      .create({ model: 'gpt-then-claude', messages: [{ role: 'user', content: 'Hello?' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('aborts the upstream request as soon as the client goes away', async () => {
    await harness.fault({ target: 'claude-a', kind: 'latency', ms: 5_000 });
    const before = await harness.upstreamStats('claude-a');
    const controller = new AbortController();
    const pending = anthropic.messages
      .create({ ...ask, model: 'only-claude' }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await eventually(
      () => harness.upstreamStats('claude-a'),
      (stats) => stats.requests > before.requests,
    );
    controller.abort();
    await pending;
    const after = await eventually(
      () => harness.upstreamStats('claude-a'),
      (stats) => stats.aborted > before.aborted,
    );
    expect(after.aborted).toBe(before.aborted + 1);
  });

  it('aborts the upstream stream when a streaming client goes away mid-stream', async () => {
    await harness.fault({ target: 'claude-a', kind: 'latency', ms: 0 });
    await fetch(`${harness.simulator.url}/_sim/upstreams/claude-a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokensPerSecond: 5 }),
    });
    try {
      const before = await harness.upstreamStats('claude-a');
      const controller = new AbortController();
      const stream = anthropic.messages.stream({ ...ask, model: 'only-claude' }, { signal: controller.signal });
      await new Promise<void>((resolve) => stream.on('text', () => resolve()));
      controller.abort();
      await stream.done().catch(() => {});
      const after = await eventually(
        () => harness.upstreamStats('claude-a'),
        (stats) => stats.aborted > before.aborted,
      );
      expect(after.aborted).toBe(before.aborted + 1);
    } finally {
      await fetch(`${harness.simulator.url}/_sim/upstreams/claude-a`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tokensPerSecond: 0 }),
      });
    }
  });
});
