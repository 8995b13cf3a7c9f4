// The shared adapter conformance suite, run once per Chat Completions dialect.
import { runAdapterConformance } from './adapter-conformance.js';
import { azureAdapter, openaiAdapter, openaiCompatibleAdapter } from '../../src/providers/openai/adapter.js';
import type { ProviderAdapter, DeploymentTarget } from '../../src/providers/adapter.js';
import {
  azureDatedTarget,
  azureV1Target,
  compatibleTarget,
  openaiErrorBody,
  openaiErrorFixtures,
  openaiFixtureBytes,
  openaiFixtureJson,
  openaiTarget,
} from '../fixtures/openai/load-fixtures.js';

function fixturesFor(textStream: string, expectedText: string) {
  return {
    textStream: openaiFixtureBytes(textStream),
    expectedText,
    expectedFinish: 'end-turn' as const,
    toolStream: openaiFixtureBytes('tool-call.sse.txt'),
    expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
    textResponse: openaiFixtureJson('completion.json'),
    expectedResponseText: 'Hello! How can I help?',
    inBandErrorStream: openaiFixtureBytes('error-mid-stream.sse.txt'),
    inBandErrorKind: 'server' as const,
    errors: openaiErrorFixtures.map((fixture) => ({
      status: fixture.status,
      headers: fixture.headers,
      body: openaiErrorBody(fixture),
      kind: fixture.kind,
      retryAfterMs: fixture.retryAfterMs,
    })),
  };
}

const cases: Array<[string, ProviderAdapter, DeploymentTarget, string, ReturnType<typeof fixturesFor>]> = [
  ['openai', openaiAdapter, openaiTarget, 'authorization', fixturesFor('text.sse.txt', 'Hello! How can I help?')],
  [
    'azure (dated api-version)',
    azureAdapter,
    azureDatedTarget,
    'api-key',
    fixturesFor('azure-prompt-filter.sse.txt', 'Bonjour de Paris.'),
  ],
  [
    'azure (v1)',
    azureAdapter,
    azureV1Target,
    'api-key',
    fixturesFor('azure-prompt-filter.sse.txt', 'Bonjour de Paris.'),
  ],
  [
    'openai-compatible',
    openaiCompatibleAdapter,
    compatibleTarget,
    'authorization',
    fixturesFor('reasoning.sse.txt', 'Hello there.'),
  ],
];

for (const [name, adapter, target, credentialHeader, fixtures] of cases) {
  runAdapterConformance(name, { adapter, target, credentialHeader, fixtures });
}
