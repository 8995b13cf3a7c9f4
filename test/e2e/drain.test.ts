// Draining with real streams in flight: /readyz turns 503 and new connections are refused at once,
// streams already running finish normally, and those still running when drainMs runs out end with a
// well-formed error event the SDK reports (never a silent cut).
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway | undefined;
afterEach(async () => {
  // drain() already closed the gateway; only the simulator and the directory remain.
  await keyed?.simulator.close();
  if (keyed) rmSync(keyed.directory, { recursive: true, force: true });
  keyed = undefined;
});

async function pace(tokensPerSecond: number) {
  await fetch(`${keyed!.simulator.url}/_sim/upstreams/claude-a`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tokensPerSecond }),
  });
}

/** Starts a stream and resolves once its first text has arrived (so it is truly in flight). */
async function streamInFlight(client: Anthropic, maxTokens: number) {
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: maxTokens,
    messages: [{ role: 'user', content: 'Tell me a long story' }],
  });
  await new Promise<void>((resolve) => stream.once('text', () => resolve()));
  return stream;
}

describe('drain', () => {
  it('lets streams in flight finish while /readyz says 503 and new connections are refused', async () => {
    keyed = await startKeyedGateway();
    await pace(40);
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const streams = await Promise.all([1, 2, 3].map(() => streamInFlight(client, 30)));
    const drained = keyed.gateway.drain(10_000);
    const ready = await keyed.gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: false, draining: true });
    await expect(fetch(`${keyed.gateway.url}/livez`)).rejects.toThrow();
    const messages = await Promise.all(streams.map((stream) => stream.finalMessage()));
    for (const message of messages) {
      expect(message.stop_reason).toBe('max_tokens');
      expect(message.content[0]?.type).toBe('text');
    }
    await drained;
  });

  it('ends streams still running after drainMs with an error event the SDK reports', async () => {
    keyed = await startKeyedGateway();
    await pace(5);
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const stream = await streamInFlight(client, 200);
    const outcome = stream.finalMessage().catch((error: unknown) => error);
    await keyed.gateway.drain(100);
    const error = await outcome;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain('shutting down');
    // The client went away by our doing, not the upstream's: no deployment was blamed.
    const health = keyed.gateway.tracker?.snapshot();
    expect(health?.deployments.every((deployment) => deployment.state === 'healthy')).toBe(true);
  });
});
