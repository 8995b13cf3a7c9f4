import { describe, expect, it } from 'vitest';
import { outcomePolicies } from '../../health/outcome-policy.js';
import { azureAdapter, openaiAdapter, openaiCompatibleAdapter } from './adapter.js';
import { parseOpenAIError, redactCredentials } from './openai-error.js';
import { openaiErrorBody, openaiErrorFixtures } from '../../../test/fixtures/openai/load-fixtures.js';

describe('error shapes', () => {
  it.each(openaiErrorFixtures)('$file (HTTP $status) → $kind', (fixture) => {
    const error = parseOpenAIError('openai', fixture.status, fixture.headers ?? {}, openaiErrorBody(fixture));
    expect(error.kind).toBe(fixture.kind);
    expect(error.status).toBe(fixture.status);
    expect(error.providerCode).toBe(fixture.providerCode);
    expect(error.retryAfterMs).toBe(fixture.retryAfterMs);
    expect(error.message.length).toBeLessThanOrEqual(300);
  });

  it('formats the message as provider, status, code and the upstream message', () => {
    const fixture = openaiErrorFixtures.find((candidate) => candidate.file === '400-context-length-exceeded.json');
    if (!fixture) throw new Error('fixture missing');
    const error = azureAdapter.parseError(400, {}, openaiErrorBody(fixture));
    expect(error.message).toBe(
      "azure 400 context_length_exceeded: This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages.",
    );
  });

  it('reads the title of an HTML error page', () => {
    const error = openaiCompatibleAdapter.parseError(
      502,
      {},
      '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
    );
    expect(error.message).toBe('openai-compatible 502: 502 Bad Gateway');
    expect(error.kind).toBe('server');
  });

  it('reads a plain-text body and an Ollama-style string error', () => {
    expect(openaiCompatibleAdapter.parseError(500, {}, 'upstream connect error').message).toBe(
      'openai-compatible 500: upstream connect error',
    );
    const ollama = openaiCompatibleAdapter.parseError(
      400,
      {},
      '{"error":"invalid character \'x\' looking for beginning of value"}',
    );
    expect(ollama.kind).toBe('invalid-request');
    expect(ollama.message).toContain("invalid character 'x'");
  });

  it('reads a FastAPI {detail} body', () => {
    const error = openaiCompatibleAdapter.parseError(404, {}, '{"detail":"Not Found"}');
    expect(error).toMatchObject({ kind: 'not-found', message: 'openai-compatible 404: Not Found' });
  });

  it('treats insufficient_quota as a deployment problem: not retried here, served elsewhere', () => {
    const fixture = openaiErrorFixtures.find((candidate) => candidate.file === '429-insufficient-quota.json');
    if (!fixture) throw new Error('fixture missing');
    const error = openaiAdapter.parseError(429, { 'retry-after': '20' }, openaiErrorBody(fixture));
    expect(outcomePolicies[error.kind]).toMatchObject({ retrySameDeployment: false, failover: true });
  });

  it('a context message on a 400 without the code is still context-length', () => {
    const error = openaiCompatibleAdapter.parseError(
      400,
      {},
      '{"error":{"message":"Input is too long for requested model.","code":null}}',
    );
    expect(error.kind).toBe('context-length');
  });

  it('a content-filter message on a 400 is not mistaken for context-length', () => {
    const body =
      '{"error":{"code":"content_filter","message":"The prompt exceeds the context of our policy","status":400}}';
    expect(azureAdapter.parseError(400, {}, body).kind).toBe('content-filter');
  });

  it('never echoes a key the upstream put in its message, and trims long messages', () => {
    const body = JSON.stringify({
      error: {
        message: `Invalid key sk-live-abcdef1234567890 and api-key: 0123456789abcdef0123456789abcdef. ${'x '.repeat(400)}`,
        code: 'invalid_api_key',
      },
    });
    const error = openaiAdapter.parseError(401, {}, body);
    expect(error.message).not.toContain('sk-live-abcdef1234567890');
    expect(error.message).not.toContain('0123456789abcdef0123456789abcdef');
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(error.message.endsWith('…')).toBe(true);
  });

  it('redaction keeps ordinary words and URLs', () => {
    const text = 'Visit https://platform.openai.com/docs/guides/error-codes/api-errors to learn more.';
    expect(redactCredentials(text)).toBe(text);
    expect(redactCredentials('Authorization: Bearer eyJhbGciOi.abc')).toBe('Authorization: Bearer [redacted]');
  });
});
