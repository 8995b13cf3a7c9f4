// Bedrock InvokeModel requests → canonical: the model and stream flag come from the path, betas from
// the body (and header), and the Bedrock-only fields never reach what an Anthropic upstream is sent.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isBedrockUrl, parseBedrockInvokePath } from './parse-path.js';
import { parseBedrockInvokeRequest } from './parse-request.js';

const profile = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const invokeUrl = `/model/${encodeURIComponent(profile)}/invoke`;
const streamUrl = `/model/${encodeURIComponent(profile)}/invoke-with-response-stream`;

// What Anthropic's Bedrock SDK (and so Claude Code) sends: no model, no stream, Bedrock's version field.
const body = {
  anthropic_version: 'bedrock-2023-05-31',
  anthropic_beta: ['claude-code-20250219', 'interleaved-thinking-2025-05-14'],
  max_tokens: 32000,
  system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'List the files' }],
  thinking: { type: 'adaptive' },
  context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
  metadata: { user_id: 'user_1' },
};

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseBedrockInvokePath', () => {
  it.each([
    [invokeUrl, profile, false],
    [streamUrl, profile, true],
    [`${invokeUrl}?x=1`, profile, false],
    ['/model/anthropic.claude-haiku-4-5-20251001-v1:0/invoke', 'anthropic.claude-haiku-4-5-20251001-v1:0', false],
    [
      `/model/${encodeURIComponent('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-5-v1:0')}/invoke-with-response-stream`,
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-5-v1:0',
      true,
    ],
  ])('reads %s', (url, modelId, stream) => {
    expect(parseBedrockInvokePath(url)).toEqual({ modelId, stream });
    expect(isBedrockUrl(url)).toBe(true);
  });

  it.each([
    `/model/${encodeURIComponent(profile)}/converse`,
    '/model//invoke',
    '/model/a/b/invoke',
    '/model/%E0%A4%A/invoke',
    '/v1/messages',
  ])('does not take %s for an invoke path', (url) => {
    expect(parseBedrockInvokePath(url)).toBeUndefined();
  });

  it('says which URLs are Bedrock-shaped even when they are not invoke paths', () => {
    expect(isBedrockUrl('/model/x/converse')).toBe(true);
    expect(isBedrockUrl('/v1/messages?model=/model/')).toBe(false);
  });
});

describe('parseBedrockInvokeRequest', () => {
  it('takes the model from the path and parses the rest as an Anthropic request', () => {
    const request = parseBedrockInvokeRequest(body, {}, invokeUrl);
    expect(request.model).toBe(profile);
    expect(request.stream).toBe(false);
    expect(request.maxTokens).toBe(32000);
    expect(request.thinking).toEqual({ type: 'adaptive' });
    expect(request.userId).toBe('user_1');
    expect(request.system).toEqual([
      { type: 'text', text: 'You are Claude Code.', cacheControl: { type: 'ephemeral' } },
    ]);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'List the files' }] }]);
  });

  it('streams on invoke-with-response-stream and not on invoke, whatever the body says', () => {
    expect(parseBedrockInvokeRequest(body, {}, streamUrl).stream).toBe(true);
    expect(parseBedrockInvokeRequest({ ...body, stream: true }, {}, invokeUrl).stream).toBe(false);
    expect(parseBedrockInvokeRequest({ ...body, stream: false }, {}, streamUrl).stream).toBe(true);
  });

  it('the path model wins over a model in the body', () => {
    expect(parseBedrockInvokeRequest({ ...body, model: 'other' }, {}, invokeUrl).model).toBe(profile);
  });

  it('keeps every field but the Bedrock-only ones in the body forwarded to Anthropic upstreams', () => {
    const request = parseBedrockInvokeRequest(body, {}, streamUrl);
    const original = request.original.body;
    expect(request.original.format).toBe('anthropic-messages');
    expect(original).not.toHaveProperty('anthropic_version');
    expect(original).not.toHaveProperty('anthropic_beta');
    expect(original.context_management).toEqual(body.context_management);
    expect(original.thinking).toEqual(body.thinking);
    expect(original.system).toEqual(body.system);
    expect(original.metadata).toEqual(body.metadata);
    // The client's body object itself is left alone.
    expect(body.anthropic_version).toBe('bedrock-2023-05-31');
  });

  it('turns the body anthropic_beta into the request betas, and never treats the Bedrock version as an API version', () => {
    const request = parseBedrockInvokeRequest(body, {}, invokeUrl);
    expect(request.anthropicBeta).toEqual(['claude-code-20250219', 'interleaved-thinking-2025-05-14']);
    expect(request.anthropicVersion).toBeUndefined();
  });

  it('merges an anthropic-beta header with the body betas, each flag once, and keeps anthropic-version', () => {
    const request = parseBedrockInvokeRequest(
      body,
      { 'anthropic-beta': 'claude-code-20250219, context-1m-2025-08-07', 'anthropic-version': '2023-06-01' },
      invokeUrl,
    );
    expect(request.anthropicBeta).toEqual([
      'claude-code-20250219',
      'interleaved-thinking-2025-05-14',
      'context-1m-2025-08-07',
    ]);
    expect(request.anthropicVersion).toBe('2023-06-01');
  });

  it('accepts a body without betas, or with a comma-separated string of them', () => {
    const { anthropic_beta: _betas, ...withoutBetas } = body;
    expect(parseBedrockInvokeRequest(withoutBetas, {}, invokeUrl).anthropicBeta).toBeUndefined();
    expect(parseBedrockInvokeRequest({ ...body, anthropic_beta: 'a, b' }, {}, invokeUrl).anthropicBeta).toEqual([
      'a',
      'b',
    ]);
  });

  it.each([
    ['a non-object body', [1], 'body'],
    ['an anthropic_beta object', { ...body, anthropic_beta: { a: 1 } }, 'anthropic_beta'],
    ['a numeric beta flag', { ...body, anthropic_beta: ['a', 2] }, 'anthropic_beta.1'],
    ['missing messages', { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10 }, 'messages'],
    [
      'a missing max_tokens',
      { anthropic_version: 'bedrock-2023-05-31', messages: [{ role: 'user', content: 'hi' }] },
      'max_tokens',
    ],
  ])('rejects %s with a 400 naming the field', (_name, invalid, param) => {
    const error = rejection(() => parseBedrockInvokeRequest(invalid, {}, invokeUrl));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.shouldRetry).toBe(false);
  });

  it('answers 404 for a path that is not an invoke path', () => {
    expect(rejection(() => parseBedrockInvokeRequest(body, {}, '/model/x/converse')).status).toBe(404);
  });
});
