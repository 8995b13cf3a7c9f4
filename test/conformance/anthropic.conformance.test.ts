// The shared adapter conformance suite, run against the Anthropic adapter with its wire fixtures.
import { anthropicAdapter } from '../../src/providers/anthropic/adapter.js';
import {
  anthropicFixtureBytes,
  anthropicFixtureJson,
  anthropicFixtureText,
} from '../fixtures/anthropic/load-fixture.js';
import { runAdapterConformance } from './adapter-conformance.js';

runAdapterConformance('anthropic', {
  adapter: anthropicAdapter,
  target: {
    id: 'anthropic-direct',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    baseUrl: 'https://api.anthropic.test',
    apiKey: 'sk-ant-deployment-key',
    headers: {},
  },
  credentialHeader: 'x-api-key',
  tokenCounting: {
    answer: anthropicFixtureJson('count-tokens.json'),
    expectedInputTokens: 21,
    urlSuffix: '/v1/messages/count_tokens',
  },
  fixtures: {
    textStream: anthropicFixtureBytes('text.sse.txt'),
    expectedText: 'Hello! How can I help?',
    expectedFinish: 'end-turn',
    toolStream: anthropicFixtureBytes('tool-call.sse.txt'),
    expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
    textResponse: anthropicFixtureJson('message.json'),
    expectedResponseText: 'Hello! How can I help?',
    inBandErrorStream: anthropicFixtureBytes('error-mid-stream.sse.txt'),
    inBandErrorKind: 'overloaded',
    errors: [
      { status: 529, body: anthropicFixtureText('errors/overloaded-529.json'), kind: 'overloaded' },
      {
        status: 429,
        headers: { 'retry-after': '17' },
        body: anthropicFixtureText('errors/rate-limit-429.json'),
        kind: 'rate-limited',
        retryAfterMs: 17_000,
      },
      { status: 500, body: anthropicFixtureText('errors/api-error-500.json'), kind: 'server' },
      { status: 401, body: anthropicFixtureText('errors/authentication-401.json'), kind: 'auth' },
      { status: 400, body: anthropicFixtureText('errors/context-length-400.json'), kind: 'context-length' },
      { status: 400, body: anthropicFixtureText('errors/invalid-request-400.json'), kind: 'invalid-request' },
      { status: 404, body: anthropicFixtureText('errors/not-found-404.json'), kind: 'not-found' },
      {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: anthropicFixtureText('errors/bad-gateway-502.html'),
        kind: 'server',
      },
    ],
  },
});
