// Real Claude Code (headless) through a gateway that requires keys: the key sent as ANTHROPIC_API_KEY
// (x-api-key) and as ANTHROPIC_AUTH_TOKEN (Authorization: Bearer), in Bedrock mode as a Bedrock API key
// (AWS_BEARER_TOKEN_BEDROCK, sent as a bearer token) and in Vertex mode as a custom header; a wrong key
// is refused and Claude Code says so. Each request is counted under the key's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClaudeCode } from '../support/claude-code.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;

beforeAll(async () => {
  keyed = await startKeyedGateway();
});
afterAll(async () => keyed?.close());

const model = ['--model', 'claude-sonnet-4-6'];

async function keyRequests(): Promise<number> {
  const response = await fetch(`${keyed.gateway.url}/metrics`, {
    headers: { authorization: `Bearer ${keyed.adminToken}` },
  });
  const line = (await response.text())
    .split('\n')
    .find((text) => text.startsWith('switchyard_key_requests_total{key="config-team",outcome="success"}'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('Claude Code with a gateway key', () => {
  it.each([
    ['ANTHROPIC_API_KEY', () => ({ ANTHROPIC_API_KEY: keyed.configKey })],
    ['ANTHROPIC_AUTH_TOKEN', () => ({ ANTHROPIC_AUTH_TOKEN: keyed.configKey })],
  ])(
    'answers with the key in %s',
    async (_name, credentials) => {
      const before = await keyRequests();
      const run = await runClaudeCode({
        prompt: 'Say hello',
        env: { ANTHROPIC_BASE_URL: keyed.gateway.url, ...credentials() },
        args: model,
        timeoutMs: 60_000,
      });
      expect(run.result?.is_error, run.stdout + run.stderr).toBe(false);
      expect(run.code).toBe(0);
      expect(await keyRequests()).toBeGreaterThan(before);
    },
    90_000,
  );

  it('answers in Bedrock mode with the key as a Bedrock API key', async () => {
    const before = await keyRequests();
    const run = await runClaudeCode({
      prompt: 'Say hello',
      env: {
        CLAUDE_CODE_USE_BEDROCK: '1',
        ANTHROPIC_BEDROCK_BASE_URL: keyed.gateway.url,
        AWS_BEARER_TOKEN_BEDROCK: keyed.configKey,
        AWS_REGION: 'us-east-1',
      },
      args: ['--model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
      timeoutMs: 60_000,
    });
    expect(run.result?.is_error, run.stdout + run.stderr).toBe(false);
    expect(await keyRequests()).toBeGreaterThan(before);
  }, 90_000);

  it('answers in Vertex mode with the key in ANTHROPIC_CUSTOM_HEADERS', async () => {
    const before = await keyRequests();
    const run = await runClaudeCode({
      prompt: 'Say hello',
      env: {
        CLAUDE_CODE_USE_VERTEX: '1',
        CLAUDE_CODE_SKIP_VERTEX_AUTH: '1',
        ANTHROPIC_VERTEX_BASE_URL: `${keyed.gateway.url}/v1`,
        ANTHROPIC_VERTEX_PROJECT_ID: 'acme',
        CLOUD_ML_REGION: 'us-east5',
        ANTHROPIC_CUSTOM_HEADERS: `x-api-key: ${keyed.configKey}`,
      },
      args: model,
      timeoutMs: 60_000,
    });
    expect(run.result?.is_error, run.stdout + run.stderr).toBe(false);
    expect(await keyRequests()).toBeGreaterThan(before);
  }, 90_000);

  it('is refused with a wrong key, and says why', async () => {
    const run = await runClaudeCode({
      prompt: 'Say hello',
      env: { ANTHROPIC_BASE_URL: keyed.gateway.url, ANTHROPIC_API_KEY: `syk_${'0'.repeat(32)}` },
      args: model,
      timeoutMs: 60_000,
    });
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/401|authentication|API key|not valid/i);
  }, 90_000);
});
