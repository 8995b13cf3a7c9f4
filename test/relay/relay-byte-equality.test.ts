// The relay lane, end to end through the official SDKs: for every same-format pair, what the client
// receives is byte for byte what the upstream sent (JSON and SSE; thinking with its signature, server
// tools, citations, cache and server-tool usage; errors), and the upstream's request id and rate-limit
// headers come along. The only documented edits: a stream missing its terminator gets it, and an
// event that cannot be parsed is skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { writeExternalAccount } from '../support/external-account.js';
import * as fixtures from './relay-fixtures.js';
import { startScriptedUpstream, upstreamHeaders, type ScriptedUpstream } from './scripted-upstream.js';

let upstream: ScriptedUpstream;
let gateway: RunningGateway;
let folder: string;
const providerKey = 'sk-relay-provider-0123456789';
const clientKey = 'client-key-never-forwarded';

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  folder = mkdtempSync(join(tmpdir(), 'switchyard-relay-'));
  const credentialsFile = writeExternalAccount(folder, `${upstream.url}/v1/token`);
  const base = upstream.url;
  const config = parseConfig({
    store: false,
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'anthropic',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${base}/anthropic`,
        apiKey: providerKey,
      },
      {
        id: 'vertex-claude',
        provider: 'vertex',
        project: 'relay-test',
        region: 'us-east5',
        model: 'claude-sonnet-4-6@20260101',
        baseUrl: `${base}/vertex`,
        credentialsFile,
      },
      {
        id: 'bedrock-claude',
        provider: 'bedrock',
        region: 'us-east-1',
        model: 'us.anthropic.claude-sonnet-4-6-v1:0',
        baseUrl: `${base}/bedrock`,
        apiKey: providerKey,
      },
      { id: 'openai', provider: 'openai', model: 'gpt-5-mini', baseUrl: `${base}/openai/v1`, apiKey: providerKey },
      {
        id: 'azure',
        provider: 'azure',
        model: 'gpt-5-deploy',
        baseUrl: `${base}/azure`,
        apiKey: providerKey,
        apiVersion: '2024-10-21',
      },
      { id: 'compatible', provider: 'openai-compatible', model: 'llama-3.3', baseUrl: `${base}/compat/v1` },
    ],
    routes: ['anthropic', 'vertex-claude', 'bedrock-claude', 'openai', 'azure', 'compatible'].map((name) => ({
      name,
      deployments: [name],
    })),
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  rmSync(folder, { recursive: true, force: true });
});

function anthropicClient(): Anthropic {
  return new Anthropic({
    baseURL: gateway.url,
    apiKey: clientKey,
    maxRetries: 0,
    defaultHeaders: { 'anthropic-workspace-id': 'wrkspc_relay', 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
  });
}

function openAIClient(): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
}

const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 1 } as const;

function anthropicRequest(route: string, words: string) {
  return {
    model: route,
    max_tokens: 512,
    tools: [webSearch],
    messages: [{ role: 'user' as const, content: words }],
  };
}

function expectRelayedHeaders(headers: Headers, deployment: string): void {
  expect(headers.get('request-id')).toBe(upstreamHeaders['request-id']);
  expect(headers.get('anthropic-ratelimit-requests-remaining')).toBe('49');
  expect(headers.get('x-ratelimit-remaining-tokens')).toBe('9000');
  expect(headers.get('x-should-not-pass')).toBeNull();
  expect(headers.get('x-switchyard-deployment')).toBe(deployment);
  expect(headers.get('x-request-id')).toMatch(/^req_/);
}

describe.each(['anthropic', 'vertex-claude', 'bedrock-claude'])('Anthropic client → %s (relay lane)', (route) => {
  it('relays the JSON answer byte for byte, with the upstream request id and rate-limit headers', async () => {
    const response = await anthropicClient()
      .messages.create(anthropicRequest(route, 'Search lighthouses'))
      .asResponse();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(fixtures.anthropicMessageJson);
    expectRelayedHeaders(response.headers, route);
  });

  it('relays every SSE event byte for byte: thinking signature, server tool, search result, citations, usage', async () => {
    const response = await anthropicClient()
      .messages.create({ ...anthropicRequest(route, 'Search lighthouses'), stream: true })
      .asResponse();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(fixtures.anthropicSse);
    expectRelayedHeaders(response.headers, route);
  });

  it('hands the SDK every block the upstream sent, sources included', async () => {
    const message = await anthropicClient()
      .messages.stream(anthropicRequest(route, 'Search lighthouses'))
      .finalMessage();
    expect(message.content.map((block) => block.type)).toEqual([
      'thinking',
      'server_tool_use',
      'web_search_tool_result',
      'text',
    ]);
    const text = message.content[3] as Anthropic.TextBlock;
    expect(text.citations?.[0]).toMatchObject({ url: 'https://example.org/lighthouses', cited_text: 'guide ships' });
    expect((message.content[0] as Anthropic.ThinkingBlock).signature).toBe('EqQBCkYIBxgCKkC0sig==');
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
  });
});

describe('Anthropic client → Anthropic upstream: the edges of the relay', () => {
  it('passes a client error through with the upstream status and body unchanged', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': clientKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(anthropicRequest('anthropic', 'please fail')),
    });
    expect(response.status).toBe(fixtures.anthropicErrorStatus);
    expect(await response.text()).toBe(fixtures.anthropicErrorJson);
    const error = await anthropicClient()
      .messages.create(anthropicRequest('anthropic', 'please fail'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toContain('x'.repeat(320));
  });

  it('forwards every anthropic-* header and the body, and never the client credential', async () => {
    await anthropicClient().messages.create(anthropicRequest('anthropic', 'Search lighthouses'));
    const seen = upstream.requests.filter((request) => request.path.startsWith('/anthropic')).at(-1)!;
    expect(seen.headers['anthropic-workspace-id']).toBe('wrkspc_relay');
    expect(seen.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(seen.headers['x-api-key']).toBe(providerKey);
    expect(JSON.stringify(seen.headers)).not.toContain(clientKey);
    expect(seen.body.tools).toEqual([webSearch]);
  });

  it('relays an in-band error after content unchanged', async () => {
    const response = await anthropicClient()
      .messages.create({ ...anthropicRequest('anthropic', 'cut short'), stream: true })
      .asResponse();
    const text = await response.text();
    expect(text).toBe(fixtures.anthropicSse.split('event: content_block_stop')[0] + fixtures.anthropicMidStreamError);
  });

  it('finishes a complete stream that lacks message_stop at once, and skips an unparseable event', async () => {
    const unterminated = await anthropicClient()
      .messages.create({ ...anthropicRequest('anthropic', 'unterminated'), stream: true })
      .asResponse();
    expect(await unterminated.text()).toBe(fixtures.anthropicSse);
    const garbled = await anthropicClient()
      .messages.create({ ...anthropicRequest('anthropic', 'garbled'), stream: true })
      .asResponse();
    expect(await garbled.text()).toBe(fixtures.anthropicSse);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_skipped_upstream_events_total\{provider="anthropic"\} [1-9]/);
  });
});

describe.each(['openai', 'azure', 'compatible'])('OpenAI client → %s (relay lane)', (route) => {
  const request = (words: string) => ({ model: route, messages: [{ role: 'user' as const, content: words }] });

  it('relays the JSON answer byte for byte, annotations and service tier included', async () => {
    const response = await openAIClient().chat.completions.create(request('Search lighthouses')).asResponse();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(fixtures.openAICompletionJson);
    expectRelayedHeaders(response.headers, route);
  });

  it('relays every chunk byte for byte, tool calls and the usage chunk included', async () => {
    const response = await openAIClient()
      .chat.completions.create({ ...request('Search lighthouses'), stream: true })
      .asResponse();
    expect(await response.text()).toBe(fixtures.openAISse);
    expectRelayedHeaders(response.headers, route);
  });

  it('passes a content-policy error through unchanged, code and all', async () => {
    const error = await openAIClient()
      .chat.completions.create(request('please fail'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_policy_violation');
    const raw = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${clientKey}` },
      body: JSON.stringify(request('please fail')),
    });
    expect(raw.status).toBe(fixtures.openAIErrorStatus);
    expect(await raw.text()).toBe(fixtures.openAIErrorJson);
  });

  it('ends a stream with a finish reason but no [DONE] at once, and skips an unparseable chunk', async () => {
    const unterminated = await openAIClient()
      .chat.completions.create({ ...request('unterminated'), stream: true })
      .asResponse();
    expect(await unterminated.text()).toBe(fixtures.openAISse);
    const garbled = await openAIClient()
      .chat.completions.create({ ...request('garbled'), stream: true })
      .asResponse();
    expect(await garbled.text()).toBe(fixtures.openAISse);
  });
});

describe("the request body: the client's bytes, with only the fields the gateway sets written in", () => {
  // Laid out by hand: spaces, a number written 1.0, an escape and an integer past 2^53 all survive,
  // where a parse and re-serialisation would have sent 1, é and 18446744073709552000.
  const odd = (model: string, extra: string) =>
    `{ "model": "${model}",\n  "max_tokens": 64, "temperature": 1.0, "metadata": {"user_id": "caf\\u00e9"}, ${extra}"messages": [ {"role": "user", "content": "Search lighthouses"} ] }`;

  async function sent(path: string, text: string, headers: Record<string, string>, upstreamPath: string) {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return upstream.requests.filter((request) => request.path.startsWith(upstreamPath)).at(-1)!.text;
  }

  it('Anthropic client → anthropic: the route name becomes the deployment model, nothing else moves', async () => {
    const text = odd('anthropic', '');
    const seen = await sent(
      '/v1/messages',
      text,
      { 'x-api-key': clientKey, 'anthropic-version': '2023-06-01' },
      '/anthropic',
    );
    expect(seen).toBe(odd('claude-sonnet-4-6', ''));
  });

  it('Anthropic client → bedrock-claude / vertex-claude: the platform edits, and every other byte as sent', async () => {
    const text = odd('bedrock-claude', '');
    const client = { 'x-api-key': clientKey, 'anthropic-version': '2023-06-01' };
    // The model goes to the URL, first-party `metadata` is not accepted by Bedrock, its version is added.
    const rest = `"max_tokens": 64, "temperature": 1.0, "messages": [ {"role": "user", "content": "Search lighthouses"} ]`;
    expect(await sent('/v1/messages', text, client, '/bedrock')).toBe(
      `{ ${rest},"anthropic_version":"bedrock-2023-05-31" }`,
    );
    // Vertex takes `metadata`: only the model leaves and its own version arrives.
    const kept = `"max_tokens": 64, "temperature": 1.0, "metadata": {"user_id": "caf\\u00e9"}, "messages": [ {"role": "user", "content": "Search lighthouses"} ]`;
    expect(await sent('/v1/messages', odd('vertex-claude', ''), client, '/vertex')).toBe(
      `{ ${kept},"anthropic_version":"vertex-2023-10-16" }`,
    );
  });

  it.each(['openai', 'compatible'])('OpenAI client → %s: the model, nothing else', async (route) => {
    const text = odd(route, '"seed": 18446744073709551615, ');
    const path = route === 'openai' ? '/openai' : '/compat';
    const model = route === 'openai' ? 'gpt-5-mini' : 'llama-3.3';
    const seen = await sent('/v1/chat/completions', text, { authorization: `Bearer ${clientKey}` }, path);
    expect(seen).toBe(odd(model, '"seed": 18446744073709551615, '));
  });
});
