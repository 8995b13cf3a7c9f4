// Azure OpenAI (dated and v1 APIs) and a generic OpenAI-compatible server as upstreams, with the
// Anthropic SDK as the client, streaming and not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, providerKey, type Harness } from './harness.js';

let harness: Harness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startHarness();
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'client-secret-key', maxRetries: 0 });
});
afterAll(async () => harness.close());

describe('Azure and OpenAI-compatible upstreams', () => {
  it('calls the Azure dated API with the deployment in the path, api-version and api-key', async () => {
    const message = await client.messages
      .stream({ model: 'azure-dated', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    expect(message.content[0]?.type).toBe('text');
    const seen = (await harness.lastRequest('azure-a')) as unknown as { url: string; headers: Record<string, string> };
    expect(seen.url).toContain('/openai/deployments/gpt-4o-deploy/chat/completions?api-version=2024-10-21');
    expect(seen.headers['api-key']).toBe(providerKey);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('calls the Azure v1 API with the deployment as the model', async () => {
    const message = await client.messages.create({
      model: 'azure-v1',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content[0]?.type).toBe('text');
    const seen = (await harness.lastRequest('azure-b')) as unknown as { url: string; body: { model: string } };
    expect(seen.url).toContain('/openai/v1/chat/completions');
    expect(seen.body.model).toBe('gpt-5-deploy');
  });

  it('calls an OpenAI-compatible server with max_tokens (not max_completion_tokens)', async () => {
    const message = await client.messages
      .stream({ model: 'compatible', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    const seen = (await harness.lastRequest('vllm')) as unknown as {
      headers: Record<string, string>;
      body: Record<string, unknown>;
    };
    expect(seen.body.max_tokens).toBe(50);
    expect(seen.body.max_completion_tokens).toBeUndefined();
    expect(seen.headers.authorization).toBe('Bearer ollama');
    expect(seen.body.model).toBe('llama-3.3-70b');
  });
});
