// Claude Code's cloud modes against Switchyard (docs/protocols/ §3.5, §4.1, §8): Bedrock InvokeModel
// (CLAUDE_CODE_USE_BEDROCK + ANTHROPIC_BEDROCK_BASE_URL, auth skipped) and Vertex rawPredict
// (CLAUDE_CODE_USE_VERTEX + ANTHROPIC_VERTEX_BASE_URL, auth skipped), sent as raw HTTP exactly as
// Anthropic's Bedrock and Vertex SDKs send them, served by the Anthropic-format simulated upstreams,
// and failing over like any other client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, providerKey, type Harness } from './harness.js';
import { chunksAsSse, decodeEventStream } from '../support/bedrock-event-stream.js';
import { finalMessageFromSdk } from '../fixtures/anthropic-ingress/stream-harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ firstTokenMs: 500 });
});
afterAll(async () => harness.close());
beforeEach(async () => harness.clearFaults());

const bedrockModel = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const vertexModel = 'claude-sonnet-4-5@20250929';
const betas = ['claude-code-20250219', 'interleaved-thinking-2025-05-14'];

/** The body Anthropic's Bedrock SDK sends: no model, no stream, Bedrock's version and betas in the body. */
const bedrockBody = {
  anthropic_version: 'bedrock-2023-05-31',
  anthropic_beta: betas,
  max_tokens: 100,
  messages: [{ role: 'user', content: 'Hello from Bedrock mode' }],
  metadata: { user_id: 'user_cloud' },
};

/** The body Anthropic's Vertex SDK sends: no model, Vertex's version; betas travel in the header. */
const vertexBody = {
  anthropic_version: 'vertex-2023-10-16',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'Hello from Vertex mode' }],
};

async function bedrockInvoke(
  model: string,
  options: { stream: boolean; body?: string; headers?: Record<string, string> },
) {
  const action = options.stream ? 'invoke-with-response-stream' : 'invoke';
  return fetch(`${harness.gateway.url}/model/${encodeURIComponent(model)}/${action}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: options.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
      'anthropic-version': '2023-06-01',
      ...options.headers,
    },
    body: options.body ?? JSON.stringify(bedrockBody),
  });
}

async function vertexRawPredict(
  model: string,
  options: { stream: boolean; body?: string; headers?: Record<string, string> },
) {
  const method = options.stream ? 'streamRawPredict' : 'rawPredict';
  const body = options.body ?? JSON.stringify(options.stream ? { ...vertexBody, stream: true } : vertexBody);
  return fetch(
    `${harness.gateway.url}/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/${model}:${method}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-beta': betas.join(','), ...options.headers },
      body,
    },
  );
}

async function expectUpstreamSaw(upstream: string, deploymentModel: string, stream: boolean) {
  const seen = await harness.lastRequest(upstream);
  expect(seen.body.model).toBe(deploymentModel);
  // A client that left `stream` out asked for no stream: the field is only written when it must change.
  expect(seen.body.stream ?? false).toBe(stream);
  expect(seen.body).not.toHaveProperty('anthropic_version');
  expect(seen.body).not.toHaveProperty('anthropic_beta');
  expect(seen.headers['anthropic-beta']).toBe(betas.join(','));
  // The upstream gets the gateway's key, never whatever the client sent as credentials.
  expect(seen.headers['x-api-key']).toBe(providerKey);
  expect(seen.headers.authorization).toBeUndefined();
  return seen;
}

describe('Claude Code in Bedrock mode (InvokeModel)', () => {
  it('answers /invoke with an Anthropic message from the Anthropic-format upstream', async () => {
    const response = await bedrockInvoke(bedrockModel, {
      stream: false,
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-a');
    const message = (await response.json()) as Record<string, any>;
    expect(message.type).toBe('message');
    // The model that answered: the Anthropic deployment's, not the Bedrock id the client asked for.
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.content[0].type).toBe('text');
    expect(message.content[0].text.length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('end_turn');
    const seen = await expectUpstreamSaw('claude-a', 'claude-sonnet-4-6', false);
    expect(seen.body.metadata).toEqual({ user_id: 'user_cloud' });
    expect(seen.body.messages).toEqual(bedrockBody.messages);
  });

  it('streams /invoke-with-response-stream as binary event-stream chunks of Anthropic events', async () => {
    const response = await bedrockInvoke(bedrockModel, { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const frames = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    for (const frame of frames) expect(frame.headers[':message-type']).toBe('event');
    const types = frames.map((frame) => frame.event?.type).filter((type) => type !== 'ping');
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    const message = await finalMessageFromSdk(chunksAsSse(frames));
    expect(message.content[0]?.type).toBe('text');
    expect(message.stop_reason).toBe('end_turn');
    await expectUpstreamSaw('claude-a', 'claude-sonnet-4-6', true);
  });

  it.each([false, true])('fails over to claude-b when claude-a answers 529 (stream: %s)', async (stream) => {
    await harness.fault({ target: 'claude-a', kind: 'error', status: 529 });
    const response = await bedrockInvoke(bedrockModel, { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
    if (stream) {
      const frames = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
      expect((await finalMessageFromSdk(chunksAsSse(frames))).content[0]?.type).toBe('text');
    } else {
      expect(((await response.json()) as { content: Array<{ type: string }> }).content[0]?.type).toBe('text');
    }
    await expectUpstreamSaw('claude-b', 'claude-sonnet-4-6-b', stream);
  });

  it('ends a stream cut after content with an exception frame, not a silent close', async () => {
    await harness.fault({ target: 'claude-a', kind: 'cut', afterEvents: 4 });
    const response = await bedrockInvoke('only-claude', { stream: true });
    expect(response.status).toBe(200);
    const frames = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    expect(frames[0]?.event?.type).toBe('message_start');
    const last = frames.at(-1)!;
    expect(last.headers[':message-type']).toBe('exception');
    expect(last.headers[':exception-type']).toMatch(
      /^(internalServer|serviceUnavailable|throttling|modelTimeout)Exception$/,
    );
    expect(typeof last.payload.message).toBe('string');
  });

  it('answers 503 ServiceUnavailableException with retry-after when every deployment fails', async () => {
    await harness.fault({ target: 'claude-*', kind: 'error', status: 529 });
    const response = await bedrockInvoke(bedrockModel, { stream: true });
    expect(response.status).toBe(503);
    expect(response.headers.get('x-amzn-errortype')).toBe('ServiceUnavailableException');
    expect(response.headers.get('retry-after')).toBeTruthy();
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['message']);
    expect(JSON.stringify(body)).not.toContain('sk-provider-secret');
  });

  it.each([
    [
      'an unknown model',
      'anthropic.claude-unknown-v1:0',
      JSON.stringify(bedrockBody),
      404,
      'ResourceNotFoundException',
    ],
    ['malformed JSON', bedrockModel, '{"max_tokens": ', 400, 'ValidationException'],
    [
      'a body without messages',
      bedrockModel,
      JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10 }),
      400,
      'ValidationException',
    ],
    [
      'an oversized body',
      bedrockModel,
      JSON.stringify({ ...bedrockBody, messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }),
      413,
      'ValidationException',
    ],
  ])('answers %s in Bedrock shape', async (_name, model, body, status, errorType) => {
    const response = await bedrockInvoke(model, { stream: false, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(errorType);
    expect(response.headers.get('x-should-retry')).toBe('false');
    const answer = (await response.json()) as Record<string, unknown>;
    expect(typeof answer.message).toBe('string');
    expect(answer.type).toBeUndefined();
  });

  it('answers a /model path it does not serve with a Bedrock-shaped 404', async () => {
    const response = await fetch(`${harness.gateway.url}/model/${encodeURIComponent(bedrockModel)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });
});

describe('Claude Code in Vertex mode (rawPredict)', () => {
  it('answers :rawPredict with an Anthropic message from the Anthropic-format upstream', async () => {
    const response = await vertexRawPredict(vertexModel, {
      stream: false,
      headers: { authorization: 'Bearer ya29.not-checked' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-a');
    const message = (await response.json()) as Record<string, any>;
    expect(message.type).toBe('message');
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.content[0].type).toBe('text');
    await expectUpstreamSaw('claude-a', 'claude-sonnet-4-6', false);
  });

  it('streams :streamRawPredict as Anthropic SSE', async () => {
    const response = await vertexRawPredict(vertexModel, { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('event: message_start\n')).toBe(true);
    const message = await finalMessageFromSdk(text);
    expect(message.content[0]?.type).toBe('text');
    expect(message.model).toBe('claude-sonnet-4-6');
    await expectUpstreamSaw('claude-a', 'claude-sonnet-4-6', true);
  });

  it.each([false, true])('fails over to claude-b when claude-a answers 529 (stream: %s)', async (stream) => {
    await harness.fault({ target: 'claude-a', kind: 'error', status: 529 });
    const response = await vertexRawPredict(vertexModel, { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('claude-b');
    if (stream) expect((await finalMessageFromSdk(await response.text())).content[0]?.type).toBe('text');
    else expect(((await response.json()) as { content: Array<{ type: string }> }).content[0]?.type).toBe('text');
    await expectUpstreamSaw('claude-b', 'claude-sonnet-4-6-b', stream);
  });

  it('serves v1beta1 paths too', async () => {
    const response = await fetch(
      `${harness.gateway.url}/v1beta1/projects/p/locations/global/publishers/anthropic/models/${vertexModel}:rawPredict`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(vertexBody) },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
  });

  it('counts tokens on count-tokens:rawPredict', async () => {
    const response = await fetch(
      `${harness.gateway.url}/v1/projects/p/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          anthropic_version: 'vertex-2023-10-16',
          model: vertexModel,
          messages: vertexBody.messages,
        }),
      },
    );
    expect(response.status).toBe(200);
    const counted = (await response.json()) as { input_tokens: number };
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown model', 'claude-unknown@20990101', JSON.stringify(vertexBody), 404],
    ['malformed JSON', vertexModel, '{"max_tokens": ', 400],
  ])('answers %s in Anthropic shape', async (_name, model, body, status) => {
    const response = await vertexRawPredict(model, { stream: false, body });
    expect(response.status).toBe(status);
    const answer = (await response.json()) as Record<string, any>;
    expect(answer.type).toBe('error');
    expect(typeof answer.error.message).toBe('string');
    expect(response.headers.get('x-should-retry')).toBe('false');
  });

  it('answers 529 in Anthropic shape with retry-after when every deployment is overloaded', async () => {
    await harness.fault({ target: 'claude-*', kind: 'error', status: 529 });
    const response = await vertexRawPredict(vertexModel, { stream: false });
    expect(response.status).toBe(529);
    expect(response.headers.get('retry-after')).toBeTruthy();
    expect(((await response.json()) as { type: string }).type).toBe('error');
  });
});
