// Gateway keys as clients meet them, through the official SDKs: no, unknown, revoked and expired keys
// get 401 in their own format, a route the key may not use 403, a key over its limit 429 with
// retry-after; keys created and revoked with the CLI while the gateway serves are honoured within a
// second; refusals never reach an upstream; the client's key never reaches a provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { eventually } from './harness.js';
import { providerSecret, startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;

beforeAll(async () => {
  keyed = await startKeyedGateway();
});
afterAll(async () => keyed.close());

const ask = { model: 'sonnet', max_tokens: 30, messages: [{ role: 'user' as const, content: 'Hello' }] };

async function createKey(...args: string[]): Promise<string> {
  let printed = '';
  const code = await runKeysCommand(['create', '--config', keyed.configPath, ...args], {
    stdout: (text) => {
      printed += text;
    },
  });
  expect(code).toBe(0);
  return printed.trim();
}

function anthropic(apiKey: string | null, authToken?: string) {
  return new Anthropic({ baseURL: keyed.gateway.url, apiKey, authToken: authToken ?? null, maxRetries: 0 });
}

function openai(apiKey: string) {
  return new OpenAI({ baseURL: `${keyed.gateway.url}/v1`, apiKey, maxRetries: 0 });
}

describe('gateway keys', () => {
  it('answers a key declared in the config, sent as x-api-key (Anthropic SDK) or Bearer (OpenAI SDK)', async () => {
    const message = await anthropic(keyed.configKey).messages.create(ask);
    expect(message.content[0]?.type).toBe('text');
    const completion = await openai(keyed.configKey).chat.completions.create({
      model: 'gpt-5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    // ANTHROPIC_AUTH_TOKEN: the Anthropic SDK sends it as Authorization: Bearer.
    const viaToken = await anthropic(null, keyed.configKey).messages.create(ask);
    expect(viaToken.content[0]?.type).toBe('text');
  });

  it('answers 401 in each client format to a missing or unknown key, and no upstream sees it', async () => {
    const before = (await keyed.upstreamRequests('claude-a')) + (await keyed.upstreamRequests('gpt-a'));
    const missing = await fetch(`${keyed.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const unknown = await anthropic(`syk_${'x'.repeat(32)}`)
      .messages.create(ask)
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((unknown as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      error: { type: 'authentication_error' },
    });

    const openaiError = await openai('not-a-key')
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(openaiError).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((openaiError as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');

    for (let index = 0; index < 20; index += 1)
      await anthropic('wrong')
        .messages.create(ask)
        .catch(() => undefined);
    const after = (await keyed.upstreamRequests('claude-a')) + (await keyed.upstreamRequests('gpt-a'));
    expect(after).toBe(before);
    // Nothing counted against any deployment's health.
    const health = keyed.gateway.tracker?.snapshot();
    for (const deployment of health?.deployments ?? []) expect(deployment.state).toBe('healthy');
  });

  it('honours a key created while serving, and refuses it within a second of its revocation', async () => {
    const key = await createKey('--name', 'team-live');
    expect(key).toMatch(/^syk_[A-Za-z0-9_-]{32}$/);
    const client = anthropic(key);
    const answered = await eventually(
      () =>
        client.messages.create(ask).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      50,
    );
    expect(answered).toBe(true);

    let printed = '';
    const listed = await runKeysCommand(['list', '--config', keyed.configPath], {
      stdout: (text) => {
        printed += text;
      },
    });
    expect(listed).toBe(0);
    expect(printed).toContain('team-live');
    expect(printed).not.toContain(key);

    expect(await runKeysCommand(['revoke', 'team-live', '--config', keyed.configPath], { stdout: () => {} })).toBe(0);
    const revokedAt = Date.now();
    const refused = await eventually(
      () =>
        client.messages.create(ask).then(
          () => undefined,
          (error: unknown) => error,
        ),
      (error) => error instanceof Anthropic.AuthenticationError,
      50,
    );
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(String((refused as Error).message)).toContain('revoked');
  });

  it('answers 403 permission_error for a route the key may not use', async () => {
    const key = await createKey('--name', 'gpt-only', '--routes', 'gpt-5');
    await eventually(
      () =>
        openai(key)
          .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }] })
          .then(
            () => true,
            () => false,
          ),
      (ok) => ok,
      50,
    );
    const forbidden = await anthropic(key)
      .messages.create(ask)
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((forbidden as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({
      error: { type: 'permission_error' },
    });
    const openaiForbidden = await openai(key)
      .chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(openaiForbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('answers 429 rate_limit_error with retry-after once a key is over its requests per minute', async () => {
    const key = await createKey('--name', 'tight', '--rpm', '3');
    const client = anthropic(key);
    await eventually(
      () =>
        client.messages.create(ask).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      50,
    );
    const outcomes: unknown[] = [];
    for (let index = 0; index < 4; index += 1)
      outcomes.push(await client.messages.create(ask).catch((error: unknown) => error));
    const limited = outcomes.filter((outcome) => outcome instanceof Anthropic.RateLimitError);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    const error = limited[0] as InstanceType<typeof Anthropic.RateLimitError>;
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(error.error).toMatchObject({ error: { type: 'rate_limit_error' } });
    const openaiLimited = await openai(key)
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(openaiLimited).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('refuses an expired key', async () => {
    // An expiry already in the past: the CLI accepts minutes, so build the row through the store.
    const { SqliteKeyStore } = await import('../../src/keys/sqlite-key-store.js');
    const { generateKey, hashKey, keyHint } = await import('../../src/keys/gateway-key.js');
    const key = generateKey();
    const store = SqliteKeyStore.open(
      keyed.config.store === false ? '' : (keyed.config.store as { path: string }).path,
    );
    await store.create({
      name: 'expired',
      hash: hashKey(key),
      hint: keyHint(key),
      createdAt: Date.now() - 10_000,
      expiresAt: Date.now() - 1_000,
      priority: 'normal',
    });
    await store.close();
    const refused = await eventually(
      () =>
        anthropic(key)
          .messages.create(ask)
          .then(
            () => undefined,
            (error: unknown) => error,
          ),
      (error) => error instanceof Anthropic.AuthenticationError && String(error.message).includes('expired'),
      50,
    );
    expect(String((refused as Error).message)).toContain('expired');
  });

  it('never forwards the client key to a provider, and counts requests per key name', async () => {
    await anthropic(keyed.configKey).messages.create(ask);
    const seen = (await (await fetch(`${keyed.simulator.url}/_sim/requests/claude-a`)).json()) as {
      headers: Record<string, string>;
    };
    expect(seen.headers['x-api-key']).toBe(providerSecret);
    expect(JSON.stringify(seen)).not.toContain(keyed.configKey);
    const metrics = await fetch(`${keyed.gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${keyed.adminToken}` },
    });
    const text = await metrics.text();
    expect(text).toMatch(/switchyard_key_requests_total\{key="config-team",outcome="success"\} [1-9]/);
    expect(text).toMatch(/switchyard_key_tokens_total\{key="config-team",kind="output"\} [1-9]/);
    expect(text).not.toContain(keyed.configKey);
  });

  it('keeps requests, failovers and tokens per key name in the store, the same as /metrics, and reports them', async () => {
    const ci = await createKey('--name', 'report-ci');
    const admin = { authorization: `Bearer ${keyed.adminToken}` };
    // The gateway reads new keys on its next refresh: wait until it lists this one, then send exactly two.
    await eventually(
      async () => {
        const listed = (await (await fetch(`${keyed.gateway.url}/admin/keys`, { headers: admin })).json()) as {
          keys: Array<{ name: string }>;
        };
        return listed.keys.some((key) => key.name === 'report-ci');
      },
      (known) => known,
    );
    await anthropic(keyed.configKey).messages.create(ask);
    await openai(ci).chat.completions.create({ model: 'sonnet', messages: ask.messages });
    await openai(ci).chat.completions.create({ model: 'sonnet', messages: ask.messages });
    await keyed.gateway.history.writer?.flush();
    const report = (await (
      await fetch(`${keyed.gateway.url}/admin/report?since=1h&format=json`, { headers: admin })
    ).json()) as {
      keys: Array<{ key: string; requests: number; successes: number; inputTokens: number; outputTokens: number }>;
    };
    const reportCi = report.keys.find((entry) => entry.key === 'report-ci');
    expect(reportCi).toMatchObject({ requests: 2, successes: 2, failovers: 0 });
    expect(reportCi!.outputTokens).toBeGreaterThan(0);
    expect(reportCi!.inputTokens).toBeGreaterThan(0);
    // The store and /metrics count the same requests and tokens for each key name.
    const metrics = await (await fetch(`${keyed.gateway.url}/metrics`, { headers: admin })).text();
    const sample = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? Number.NaN);
    const team = report.keys.find((entry) => entry.key === 'config-team')!;
    expect(team.requests).toBe(
      sample(/switchyard_key_requests_total\{key="config-team",outcome="success"\} (\d+)/) +
        (sample(/switchyard_key_requests_total\{key="config-team",outcome="failure"\} (\d+)/) || 0),
    );
    expect(team.outputTokens).toBe(sample(/switchyard_key_tokens_total\{key="config-team",kind="output"\} (\d+)/));
    expect(reportCi!.outputTokens).toBe(sample(/switchyard_key_tokens_total\{key="report-ci",kind="output"\} (\d+)/));
    const markdown = await (
      await fetch(`${keyed.gateway.url}/admin/report?since=1h&format=markdown`, { headers: admin })
    ).text();
    expect(markdown).toContain('## Gateway keys');
    expect(markdown).toMatch(/\| report-ci \| 2 \| 100\.0% \| 0 \| 0 \|/);
    for (const secret of [ci, keyed.configKey]) expect(JSON.stringify(report) + markdown).not.toContain(secret);
  });
});
