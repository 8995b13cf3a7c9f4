// The shared adapter conformance suite, run against the Bedrock adapter twice: a Converse target
// (any model) and an InvokeModel target (Claude with the Anthropic body), each with its own binary
// event-stream fixtures. Credentials are injected: the real AWS chain is never consulted.
import { createBedrockAdapter } from '../../src/providers/bedrock/adapter.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  bedrockErrorFixtures,
  bedrockFixtureJson,
  bedrockFixtureText,
  bedrockStreamBytes,
  converseTarget,
  invokeTarget,
  testCredentials,
} from '../fixtures/bedrock/load-fixtures.js';
import { runAdapterConformance } from './adapter-conformance.js';

const adapter = createBedrockAdapter({
  credentials: async () => testCredentials,
  clock: new ManualClock(),
  environment: {},
});

const errors = bedrockErrorFixtures.map((fixture) => ({
  status: fixture.status,
  headers: fixture.headers,
  body: bedrockFixtureText(`errors/${fixture.file}`),
  kind: fixture.kind,
}));

runAdapterConformance('bedrock (converse)', {
  adapter,
  target: converseTarget,
  credentialHeader: 'authorization',
  eventStreamFraming: true,
  fixtures: {
    textStream: bedrockStreamBytes('converse-text'),
    expectedText: 'Hello! How can I help?',
    expectedFinish: 'end-turn',
    toolStream: bedrockStreamBytes('converse-tool'),
    expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
    textResponse: bedrockFixtureJson('converse-response-text.json'),
    expectedResponseText: 'Hello! How can I help?',
    inBandErrorStream: bedrockStreamBytes('converse-exception'),
    inBandErrorKind: 'rate-limited',
    errors,
  },
});

runAdapterConformance('bedrock (invoke, Claude)', {
  adapter,
  target: invokeTarget,
  credentialHeader: 'authorization',
  eventStreamFraming: true,
  // CountTokens for the foundation model the global inference profile names, the InvokeModel body in base64.
  tokenCounting: {
    answer: bedrockFixtureJson('count-tokens-response.json'),
    expectedInputTokens: 21,
    urlSuffix: '/model/anthropic.claude-opus-4-6-v1/count-tokens',
    countedRequest: (body) =>
      JSON.parse(
        Buffer.from((body as { input: { invokeModel: { body: string } } }).input.invokeModel.body, 'base64').toString(),
      ),
  },
  fixtures: {
    textStream: bedrockStreamBytes('invoke-text'),
    expectedText: 'Hello! How can I help?',
    expectedFinish: 'end-turn',
    toolStream: bedrockStreamBytes('invoke-tool'),
    expectedTool: { name: 'get_weather', input: { city: 'Paris' } },
    textResponse: bedrockFixtureJson('invoke-response.json'),
    expectedResponseText: 'Hello! How can I help?',
    inBandErrorStream: bedrockStreamBytes('invoke-exception'),
    inBandErrorKind: 'stream-interrupted',
    errors,
  },
});
