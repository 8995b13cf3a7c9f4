// The shared adapter conformance suite, run against the Gemini API adapter and both Vertex
// publishers (Gemini and Claude), each with its own wire fixtures. Vertex gets an injected
// TokenSource, so no test ever reaches Google's auth.
import { createGeminiAdapter } from '../../src/providers/gemini/adapter.js';
import { createVertexAdapter } from '../../src/providers/vertex/adapter.js';
import { seededRandom } from '../../src/util/random.js';
import { ManualClock } from '../support/manual-clock.js';
import { runAdapterConformance } from './adapter-conformance.js';
import {
  geminiErrorBody,
  geminiErrorFixtures,
  geminiFixtureBytes,
  geminiFixtureJson,
  geminiFixtureText,
  geminiTarget,
} from '../fixtures/gemini/load-fixtures.js';
import {
  fixedTokenSource,
  vertexClaudeTarget,
  vertexErrorBody,
  vertexErrorFixtures,
  vertexFixtureBytes,
  vertexFixtureJson,
  vertexGeminiTarget,
} from '../fixtures/vertex/load-fixtures.js';

const geminiErrors = [
  ...geminiErrorFixtures.map((fixture) => ({
    status: fixture.status,
    headers: fixture.headers,
    body: geminiErrorBody(fixture),
    kind: fixture.kind,
    retryAfterMs: fixture.retryAfterMs,
  })),
  {
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: geminiFixtureText('errors/502-bad-gateway.html'),
    kind: 'server' as const,
  },
];

const geminiFixtures = {
  textStream: geminiFixtureBytes('text.sse.txt'),
  expectedText: 'Hello! How can I help?',
  expectedFinish: 'end-turn' as const,
  toolStream: geminiFixtureBytes('tool-call.sse.txt'),
  expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
  textResponse: geminiFixtureJson('response-text.json'),
  expectedResponseText: 'Hello! How can I help?',
  inBandErrorStream: geminiFixtureBytes('error-mid-stream.sse.txt'),
  inBandErrorKind: 'overloaded' as const,
  errors: geminiErrors,
};

runAdapterConformance('gemini api', {
  adapter: createGeminiAdapter({ random: seededRandom(7) }),
  target: geminiTarget,
  credentialHeader: 'x-goog-api-key',
  tokenCounting: {
    answer: geminiFixtureJson('count-tokens-response.json'),
    expectedInputTokens: 21,
    urlSuffix: `/models/${geminiTarget.model}:countTokens`,
  },
  fixtures: geminiFixtures,
});

const clock = new ManualClock();
const vertex = createVertexAdapter({ auth: fixedTokenSource(() => clock.now()), clock, random: seededRandom(11) });

const vertexErrors = vertexErrorFixtures.map((fixture) => ({
  status: fixture.status,
  headers: fixture.headers,
  body: vertexErrorBody(fixture),
  kind: fixture.kind,
  retryAfterMs: fixture.retryAfterMs,
}));

runAdapterConformance('vertex (gemini)', {
  adapter: vertex,
  // A base URL override, as a simulator or a private endpoint gives: the URL must start with it.
  target: { ...vertexGeminiTarget, baseUrl: 'http://127.0.0.1:8917/u/vertex-gemini' },
  credentialHeader: 'authorization',
  tokenCounting: {
    answer: vertexFixtureJson('gemini-count-tokens.json'),
    expectedInputTokens: 21,
    urlSuffix: `/publishers/google/models/${vertexGeminiTarget.model}:countTokens`,
  },
  fixtures: { ...geminiFixtures, errors: vertexErrors },
});

runAdapterConformance('vertex (claude)', {
  adapter: vertex,
  target: { ...vertexClaudeTarget, baseUrl: 'https://us-east5-aiplatform.googleapis.com' },
  credentialHeader: 'authorization',
  tokenCounting: {
    answer: vertexFixtureJson('claude-count-tokens.json'),
    expectedInputTokens: 21,
    urlSuffix: '/publishers/anthropic/models/count-tokens:rawPredict',
  },
  fixtures: {
    textStream: vertexFixtureBytes('claude-text.sse.txt'),
    expectedText: 'Hello! How can I help?',
    expectedFinish: 'end-turn',
    toolStream: vertexFixtureBytes('claude-tool-call.sse.txt'),
    expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
    textResponse: vertexFixtureJson('claude-message.json'),
    expectedResponseText: 'Hello! How can I help?',
    inBandErrorStream: vertexFixtureBytes('claude-error-mid-stream.sse.txt'),
    inBandErrorKind: 'overloaded',
    errors: vertexErrors,
  },
});
