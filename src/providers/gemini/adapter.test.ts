// The Gemini API wire request as a whole: URL forms, headers, and the key that nothing may replace.
import { describe, expect, it } from 'vitest';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import { geminiTarget } from '../../../test/fixtures/gemini/load-fixtures.js';
import { geminiAdapter, geminiApiUrl } from './adapter.js';

describe('geminiAdapter.buildRequest', () => {
  it('calls generateContent without streaming, with the key in x-goog-api-key', async () => {
    const wire = await geminiAdapter.buildRequest(simpleTextRequest(), geminiTarget);
    expect(wire.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(wire.headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-goog-api-key': 'gemini-deployment-key',
    });
    const body = JSON.parse(wire.body ?? '{}');
    expect(body.model).toBeUndefined();
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'Say hello.' }] }]);
  });

  it('adds config headers but never lets them replace the key, and sends none without a key', async () => {
    const wire = await geminiAdapter.buildRequest(simpleTextRequest(), {
      ...geminiTarget,
      headers: { 'X-Goog-Api-Key': 'other', 'X-Team': 'a' },
    });
    expect(wire.headers['x-goog-api-key']).toBe('gemini-deployment-key');
    expect(wire.headers['x-team']).toBe('a');
    const keyless = await geminiAdapter.buildRequest(simpleTextRequest(), { ...geminiTarget, apiKey: undefined });
    expect(keyless.headers['x-goog-api-key']).toBeUndefined();
  });
});

describe('geminiApiUrl', () => {
  it('accepts base URLs with a version, model ids with a collection, and streams with alt=sse', () => {
    expect(geminiApiUrl('http://127.0.0.1:9000/u/gemini/', 'gemini-2.5-pro', true)).toBe(
      'http://127.0.0.1:9000/u/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    expect(geminiApiUrl('https://proxy.example/v1', 'models/gemini-2.5-pro', false)).toBe(
      'https://proxy.example/v1/models/gemini-2.5-pro:generateContent',
    );
    expect(geminiApiUrl('https://generativelanguage.googleapis.com', 'tunedModels/my-model-7', false)).toBe(
      'https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-7:generateContent',
    );
  });
});
