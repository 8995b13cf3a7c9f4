// Vertex URL building: regional, global and multi-region hosts; Claude vs Gemini publishers and
// methods; base URL and API version overrides; a deployment that cannot be addressed.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import type { DeploymentTarget } from '../adapter.js';
import { vertexClaudeTarget, vertexGeminiTarget } from '../../../test/fixtures/vertex/load-fixtures.js';
import { vertexHost, vertexModelUrl, vertexPublisherFor } from './vertex-url.js';

describe('vertexHost', () => {
  it.each([
    ['us-east5', 'https://us-east5-aiplatform.googleapis.com'],
    ['europe-west1', 'https://europe-west1-aiplatform.googleapis.com'],
    ['global', 'https://aiplatform.googleapis.com'],
    ['us', 'https://aiplatform.us.rep.googleapis.com'],
    ['eu', 'https://aiplatform.eu.rep.googleapis.com'],
  ])('%s → %s', (region, host) => {
    expect(vertexHost(region)).toBe(host);
  });
});

describe('vertexModelUrl', () => {
  it('sends Claude models to the anthropic publisher with rawPredict / streamRawPredict', () => {
    expect(vertexModelUrl(vertexClaudeTarget, false)).toBe(
      'https://us-east5-aiplatform.googleapis.com/v1/projects/switchyard-test/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    );
    expect(vertexModelUrl({ ...vertexClaudeTarget, region: 'eu' }, true)).toBe(
      'https://aiplatform.eu.rep.googleapis.com/v1/projects/switchyard-test/locations/eu/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
    );
  });

  it('sends other models to the google publisher with generateContent / streamGenerateContent?alt=sse', () => {
    expect(vertexModelUrl(vertexGeminiTarget, false)).toBe(
      'https://aiplatform.googleapis.com/v1/projects/switchyard-test/locations/global/publishers/google/models/gemini-3-pro-preview:generateContent',
    );
    expect(vertexModelUrl({ ...vertexGeminiTarget, region: 'us' }, true)).toBe(
      'https://aiplatform.us.rep.googleapis.com/v1/projects/switchyard-test/locations/us/publishers/google/models/gemini-3-pro-preview:streamGenerateContent?alt=sse',
    );
    expect(vertexPublisherFor('Claude-opus-4-1@20250805')).toBe('anthropic');
    expect(vertexPublisherFor('gemini-2.5-pro')).toBe('google');
  });

  it('uses a configured base URL and a path version named by apiVersion', () => {
    const target: DeploymentTarget = {
      ...vertexGeminiTarget,
      baseUrl: 'http://127.0.0.1:9000/u/vertex/',
      apiVersion: 'v1beta1',
    };
    expect(vertexModelUrl(target, true)).toBe(
      'http://127.0.0.1:9000/u/vertex/v1beta1/projects/switchyard-test/locations/global/publishers/google/models/gemini-3-pro-preview:streamGenerateContent?alt=sse',
    );
    expect(vertexModelUrl({ ...target, apiVersion: '2024-10-21' }, false)).toContain('/u/vertex/v1/projects/');
  });

  it('fails a deployment without project or region as its own configuration problem', () => {
    for (const target of [
      { ...vertexClaudeTarget, project: undefined },
      { ...vertexClaudeTarget, region: undefined },
    ]) {
      let thrown: unknown;
      try {
        vertexModelUrl(target, false);
      } catch (error) {
        thrown = error;
      }
      expect(UpstreamError.isInstance(thrown) && thrown.kind).toBe('not-found');
    }
  });
});
