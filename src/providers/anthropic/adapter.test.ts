// The wire request as a whole: URL, headers (credential, version, betas, config headers) and body path.
import { describe, expect, it } from 'vitest';
import type { DeploymentTarget } from '../adapter.js';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { anthropicAdapter } from './adapter.js';

const target: DeploymentTarget = {
  id: 'anthropic-direct',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  baseUrl: 'https://api.anthropic.test',
  apiKey: 'sk-ant-deployment-key',
  headers: {},
};

describe('anthropicAdapter.buildRequest', () => {
  it('posts to /v1/messages with the deployment key and the default version', async () => {
    const wire = await anthropicAdapter.buildRequest(simpleTextRequest(), target);
    expect(wire.method).toBe('POST');
    expect(wire.url).toBe('https://api.anthropic.test/v1/messages');
    expect(wire.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-deployment-key',
    });
  });

  it('forwards the client version and betas and asks for SSE when streaming', async () => {
    const request = simpleTextRequest({
      stream: true,
      anthropicVersion: '2026-10-21',
      anthropicBeta: ['claude-code-20250219', ' context-1m-2025-08-07', ''],
    });
    const wire = await anthropicAdapter.buildRequest(request, target);
    expect(wire.headers).toMatchObject({
      'anthropic-version': '2026-10-21',
      'anthropic-beta': 'claude-code-20250219,context-1m-2025-08-07',
      accept: 'text/event-stream',
    });
    expect(JSON.parse(wire.body ?? '{}').stream).toBe(true);
  });

  it('adds config headers but never lets them replace the deployment key', async () => {
    const wire = await anthropicAdapter.buildRequest(simpleTextRequest(), {
      ...target,
      baseUrl: 'https://gateway.example/',
      headers: { 'X-Workspace': 'team-a', 'X-Api-Key': 'from-config' },
    });
    expect(wire.url).toBe('https://gateway.example/v1/messages');
    expect(wire.headers['x-workspace']).toBe('team-a');
    expect(wire.headers['x-api-key']).toBe('sk-ant-deployment-key');
  });

  it('sends the client body on the same-format path with the deployment model, and no client credential', async () => {
    const clientBody = anthropicFixtureJson('client-request.json') as Record<string, unknown>;
    const request = simpleTextRequest({ stream: true, original: { format: 'anthropic-messages', body: clientBody } });
    const wire = await anthropicAdapter.buildRequest(request, target);
    const body = JSON.parse(wire.body ?? '{}');
    expect(body.model).toBe(target.model);
    expect(body.context_management).toEqual(clientBody.context_management);
    const headerNames = Object.keys(wire.headers);
    expect(headerNames).not.toContain('authorization');
    expect(headerNames.filter((name) => name.includes('key'))).toEqual(['x-api-key']);
  });
});
