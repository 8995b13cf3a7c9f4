// Bad input gets a clear error in the client's own format and the right status; nothing crashes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => harness.close());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

const anthropicCases: Array<[string, string, number]> = [
  ['malformed JSON', '{"model": "sonnet",', 400],
  ['wrong types', JSON.stringify({ model: 'sonnet', max_tokens: 'many', messages: [] }), 400],
  ['missing messages', JSON.stringify({ model: 'sonnet', max_tokens: 10 }), 400],
  ['missing max_tokens', JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }), 400],
  [
    'a bad role',
    JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'robot', content: 'hi' }] }),
    400,
  ],
  [
    'an unknown model',
    JSON.stringify({ model: 'gpt-17', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    404,
  ],
  [
    'an oversized body',
    JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }),
    413,
  ],
];

const openaiCases: Array<[string, string, number]> = [
  ['malformed JSON', '{"model": ', 400],
  ['wrong types', JSON.stringify({ model: 'only-gpt', messages: 'hello' }), 400],
  ['missing model', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), 400],
  ['an unknown model', JSON.stringify({ model: 'claude-17', messages: [{ role: 'user', content: 'hi' }] }), 404],
  [
    'an oversized body',
    JSON.stringify({ model: 'only-gpt', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }),
    413,
  ],
];

describe('ingress errors', () => {
  it.each(anthropicCases)('Anthropic: %s → %i in Anthropic shape', async (_name, body, status) => {
    const answer = await post('/v1/messages', body);
    expect(answer.status).toBe(status);
    expect(answer.body.type).toBe('error');
    expect(typeof answer.body.error.type).toBe('string');
    expect(answer.body.error.message.length).toBeGreaterThan(5);
    expect(answer.headers.get('x-should-retry')).toBe('false');
  });

  it.each(openaiCases)('OpenAI: %s → %i in OpenAI shape', async (_name, body, status) => {
    const answer = await post('/v1/chat/completions', body, { authorization: 'Bearer k' });
    expect(answer.status).toBe(status);
    expect(typeof answer.body.error.message).toBe('string');
    expect(typeof answer.body.error.type).toBe('string');
    expect(answer.body.type).toBeUndefined();
    expect(answer.headers.get('x-should-retry')).toBe('false');
  });

  it('names the field at fault', async () => {
    const answer = await post(
      '/v1/messages',
      JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 42 }] }),
    );
    expect(answer.body.error.message).toMatch(/messages/);
    expect(answer.body.error.type).toBe('invalid_request_error');
  });

  it('answers an unknown path with 404 in the right format', async () => {
    const answer = await post('/v1/nothing-here', '{}');
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe('error');
  });

  it('stays up after all of that', async () => {
    const response = await fetch(`${harness.gateway.url}/healthz`);
    expect(response.status).toBe(200);
    const head = await fetch(`${harness.gateway.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});
