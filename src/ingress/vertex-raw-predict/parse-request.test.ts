// Vertex rawPredict requests → canonical: the model from the path, the stream flag from the method
// or the body, betas from the header, and `anthropic_version` kept away from Anthropic upstreams.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isVertexUrl, parseVertexRawPredictPath } from './parse-path.js';
import { parseVertexCountTokensRequest, parseVertexRawPredictRequest } from './parse-request.js';

const base = '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models';
const model = 'claude-sonnet-4-5@20250929';
const rawUrl = `${base}/${model}:rawPredict`;
const streamUrl = `${base}/${model}:streamRawPredict`;

// What Anthropic's Vertex SDK (and so Claude Code) sends: no model, Vertex's version field, stream kept.
const body = {
  anthropic_version: 'vertex-2023-10-16',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
  context_management: { edits: [] },
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

describe('parseVertexRawPredictPath', () => {
  it.each([
    [rawUrl, model, 'rawPredict'],
    [streamUrl, model, 'streamRawPredict'],
    [`${base}/${model}:streamRawPredict?alt=sse`, model, 'streamRawPredict'],
    [`/v1beta1/projects/p/locations/global/publishers/anthropic/models/${model}:rawPredict`, model, 'rawPredict'],
    [`/projects/p/locations/us/publishers/anthropic/models/${model}:rawPredict`, model, 'rawPredict'],
    [`${base}/${encodeURIComponent(model)}%3AstreamRawPredict`, model, 'streamRawPredict'],
    [`${base}/count-tokens:rawPredict`, 'count-tokens', 'rawPredict'],
  ])('reads %s', (url, expectedModel, method) => {
    expect(parseVertexRawPredictPath(url)).toMatchObject({ model: expectedModel, method });
    expect(isVertexUrl(url)).toBe(true);
  });

  it('reads the project and region too', () => {
    expect(parseVertexRawPredictPath(rawUrl)).toEqual({
      project: 'my-project',
      region: 'us-east5',
      model,
      method: 'rawPredict',
    });
  });

  it.each([
    `${base}/${model}:predict`,
    `${base}/${model}`,
    `/v1/projects/p/locations/r/publishers/google/models/gemini-2.5-pro:generateContent`,
    `/v2/projects/p/locations/r/publishers/anthropic/models/${model}:rawPredict`,
    `${base}/:rawPredict`,
    '/v1/messages',
  ])('does not take %s for a rawPredict path', (url) => {
    expect(parseVertexRawPredictPath(url)).toBeUndefined();
  });
});

describe('parseVertexRawPredictRequest', () => {
  it('takes the model from the path and does not stream on rawPredict', () => {
    const request = parseVertexRawPredictRequest(body, {}, rawUrl);
    expect(request.model).toBe(model);
    expect(request.stream).toBe(false);
    expect(request.maxTokens).toBe(1024);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
  });

  it('streams on streamRawPredict, and on rawPredict when the body says stream: true', () => {
    expect(parseVertexRawPredictRequest({ ...body, stream: true }, {}, streamUrl).stream).toBe(true);
    expect(parseVertexRawPredictRequest(body, {}, streamUrl).stream).toBe(true);
    expect(parseVertexRawPredictRequest({ ...body, stream: true }, {}, rawUrl).stream).toBe(true);
  });

  it('keeps the body forwarded to Anthropic upstreams without anthropic_version, every other field intact', () => {
    const original = parseVertexRawPredictRequest({ ...body, stream: true }, {}, streamUrl).original.body;
    expect(original).not.toHaveProperty('anthropic_version');
    expect(original.context_management).toEqual({ edits: [] });
    expect(original.messages).toEqual(body.messages);
    expect(body.anthropic_version).toBe('vertex-2023-10-16');
  });

  it('takes betas and the API version from the headers, as on /v1/messages', () => {
    const request = parseVertexRawPredictRequest(
      body,
      { 'anthropic-beta': 'claude-code-20250219,context-1m-2025-08-07', 'anthropic-version': '2023-06-01' },
      rawUrl,
    );
    expect(request.anthropicBeta).toEqual(['claude-code-20250219', 'context-1m-2025-08-07']);
    expect(request.anthropicVersion).toBe('2023-06-01');
    expect(parseVertexRawPredictRequest(body, {}, rawUrl).anthropicBeta).toBeUndefined();
  });

  it('rejects an invalid body with a 400 naming the field, and a count-tokens path with a 404', () => {
    const invalid = rejection(() =>
      parseVertexRawPredictRequest({ anthropic_version: 'vertex-2023-10-16', max_tokens: 5 }, {}, rawUrl),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.param).toBe('messages');
    expect(rejection(() => parseVertexRawPredictRequest('text', {}, rawUrl)).param).toBe('body');
    expect(rejection(() => parseVertexRawPredictRequest(body, {}, `${base}/count-tokens:rawPredict`)).status).toBe(404);
  });
});

describe('parseVertexCountTokensRequest', () => {
  it('keeps the body model, needs no max_tokens, and drops anthropic_version', () => {
    const request = parseVertexCountTokensRequest(
      { anthropic_version: 'vertex-2023-10-16', model, messages: [{ role: 'user', content: 'Hello' }] },
      {},
    );
    expect(request.model).toBe(model);
    expect(request.stream).toBe(false);
    expect(request.original.body).toEqual({ model, messages: [{ role: 'user', content: 'Hello' }] });
  });
});
