// The Bedrock dialect on the wire: Converse / ConverseStream / InvokeModel /
// InvokeModelWithResponseStream shapes decoded with the AWS SDK's event-stream codec, Bedrock's
// checks, SigV4 verified against the simulator's test credentials, and every fault kind in
// Bedrock's own error format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorAwsCredentials, startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { anthropicBody, anthropicHeaders, askFor, postJson, weatherToolSchema } from './simulator-client.js';
import {
  chunkEvent,
  claudeOnBedrock,
  decodeEventStream,
  parseJson,
  postBytes,
  postSigned,
  signBedrockRequest,
  type DecodedMessage,
} from './cloud-client.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

function operationUrl(operation: string, model = claudeOnBedrock, name = 'bedrock-a'): URL {
  return new URL(`${simulator.url}/u/${name}/model/${encodeURIComponent(model)}/${operation}`);
}

const userText = 'Tell me about lighthouses';

function converseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messages: [{ role: 'user', content: [{ text: userText }] }],
    inferenceConfig: { maxTokens: 256 },
    ...overrides,
  };
}

function invokeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 256,
    messages: [{ role: 'user', content: userText }],
    ...overrides,
  };
}

const askingForWeather = [{ role: 'user', content: [{ text: askFor('get_weather')[0]?.content }] }];

const weatherToolConfig = {
  tools: [{ toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: weatherToolSchema } } }],
};

function eventNames(messages: DecodedMessage[]): string[] {
  return messages.map((message) => message.headers[':event-type'] ?? `exception:${message.headers[':exception-type']}`);
}

describe('Converse', () => {
  it('answers the Converse JSON shape with the same text the Anthropic dialect gives the same words', async () => {
    const reply = await postSigned(operationUrl('converse'), converseBody());
    expect(reply.status).toBe(200);
    expect(reply.headers['x-amzn-requestid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const body = parseJson(reply);
    expect(body).toMatchObject({
      output: { message: { role: 'assistant' } },
      stopReason: 'end_turn',
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(body.output.message.content).toHaveLength(1);
    const anthropic = await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    expect(body.output.message.content[0].text).toBe(anthropic.json.content[0].text);
    expect(body.usage).toEqual({
      inputTokens: 7,
      outputTokens: anthropic.json.usage.output_tokens,
      totalTokens: 7 + anthropic.json.usage.output_tokens,
    });
  });

  it('calls an offered tool with a schema-satisfying input, honours toolChoice, and answers a tool result', async () => {
    const call = parseJson(
      await postSigned(
        operationUrl('converse'),
        converseBody({ messages: askingForWeather, toolConfig: weatherToolConfig }),
      ),
    );
    expect(call.stopReason).toBe('tool_use');
    const toolUse = call.output.message.content[0].toolUse;
    expect(toolUse).toEqual({
      toolUseId: expect.stringMatching(/^tooluse_[a-zA-Z0-9_]+$/),
      name: 'get_weather',
      input: { city: 'sample', days: 1, units: 'metric' },
    });

    const forced = {
      tools: [...weatherToolConfig.tools, { toolSpec: { name: 'second', inputSchema: { json: { type: 'object' } } } }],
      toolChoice: { tool: { name: 'second' } },
    };
    const named = parseJson(await postSigned(operationUrl('converse'), converseBody({ toolConfig: forced })));
    expect(named.output.message.content[0].toolUse.name).toBe('second');

    const messages = [
      { role: 'user', content: [{ text: userText }] },
      { role: 'assistant', content: [{ toolUse }] },
      {
        role: 'user',
        content: [
          {
            toolResult: {
              toolUseId: toolUse.toolUseId,
              content: [{ text: 'Sunny and 21 degrees' }],
              status: 'success',
            },
          },
        ],
      },
    ];
    const answered = parseJson(
      await postSigned(operationUrl('converse'), converseBody({ messages, toolConfig: weatherToolConfig })),
    );
    expect(answered.stopReason).toBe('end_turn');
    expect(answered.output.message.content[0].text).toMatch(/^The tool get_weather returned: Sunny and 21 degrees/);
  });

  it('truncates at maxTokens', async () => {
    const body = parseJson(
      await postSigned(operationUrl('converse'), converseBody({ inferenceConfig: { maxTokens: 3 } })),
    );
    expect(body).toMatchObject({ stopReason: 'max_tokens', usage: { outputTokens: 3 } });
    expect(body.output.message.content[0].text).toBe('You said: Tell');
  });

  it.each([
    [
      'a conversation that starts with the assistant',
      { messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] },
      /must start with a user message/,
    ],
    [
      'roles that do not alternate',
      {
        messages: [
          { role: 'user', content: [{ text: 'a' }] },
          { role: 'user', content: [{ text: 'b' }] },
        ],
      },
      /must alternate between user and assistant/,
    ],
    [
      'tool blocks without a toolConfig',
      {
        messages: [
          { role: 'user', content: [{ text: 'a' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'x', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'r' }] } }] },
        ],
      },
      /toolConfig field must be defined/,
    ],
    [
      "a tool name outside Bedrock's pattern",
      { toolConfig: { tools: [{ toolSpec: { name: 'get weather', inputSchema: { json: {} } } }] } },
      /regular expression pattern/,
    ],
    ['an empty content list', { messages: [{ role: 'user', content: [] }] }, /content field .* is empty/],
    ['no messages', { messages: undefined }, /messages/],
  ])('refuses %s with 400 ValidationException', async (_case, overrides, message) => {
    const reply = await postSigned(operationUrl('converse'), converseBody(overrides));
    expect(reply.status).toBe(400);
    expect(reply.headers['x-amzn-errortype']).toBe(
      'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(parseJson(reply).message).toMatch(message);
  });
});

describe('ConverseStream', () => {
  it('sends messageStart, text deltas, contentBlockStop, messageStop, then metadata, as binary event-stream messages', async () => {
    const reply = await postSigned(operationUrl('converse-stream'), converseBody());
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const { messages, rest } = decodeEventStream(reply.bytes);
    expect(rest).toBe(0);
    for (const message of messages) {
      expect(message.headers).toMatchObject({ ':message-type': 'event', ':content-type': 'application/json' });
      // Bedrock pads payloads; clients must ignore the padding.
      expect(message.payload.p).toEqual(expect.any(String));
    }
    const names = eventNames(messages);
    expect(names[0]).toBe('messageStart');
    expect(names.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    // No contentBlockStart for text: a text block begins with its first delta.
    expect(names.slice(1, -3).every((name) => name === 'contentBlockDelta')).toBe(true);
    expect(messages[0]!.payload.role).toBe('assistant');
    const text = messages
      .filter((message) => message.headers[':event-type'] === 'contentBlockDelta')
      .map((message) => message.payload.delta.text)
      .join('');
    const json = parseJson(await postSigned(operationUrl('converse'), converseBody()));
    expect(text).toBe(json.output.message.content[0].text);
    expect(messages.at(-2)!.payload.stopReason).toBe('end_turn');
    expect(messages.at(-1)!.payload).toMatchObject({ usage: json.usage, metrics: { latencyMs: expect.any(Number) } });
  });

  it('streams a tool call: contentBlockStart with the toolUse, input fragments, stop, tool_use', async () => {
    const reply = await postSigned(
      operationUrl('converse-stream'),
      converseBody({ messages: askingForWeather, toolConfig: weatherToolConfig }),
    );
    const { messages } = decodeEventStream(reply.bytes);
    const start = messages.find((message) => message.headers[':event-type'] === 'contentBlockStart')!;
    expect(start.payload).toMatchObject({
      contentBlockIndex: 0,
      start: { toolUse: { toolUseId: expect.stringMatching(/^tooluse_/), name: 'get_weather' } },
    });
    const input = messages
      .filter((message) => message.headers[':event-type'] === 'contentBlockDelta')
      .map((message) => message.payload.delta.toolUse.input as string)
      .join('');
    expect(JSON.parse(input)).toEqual({ city: 'sample', days: 1, units: 'metric' });
    expect(messages.find((message) => message.headers[':event-type'] === 'messageStop')!.payload.stopReason).toBe(
      'tool_use',
    );
  });
});

describe('InvokeModel', () => {
  it('answers an Anthropic message for an Anthropic body without model, with Bedrock token-count headers', async () => {
    const reply = await postSigned(operationUrl('invoke'), invokeBody());
    expect(reply.status).toBe(200);
    const message = parseJson(reply);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: claudeOnBedrock,
      stop_reason: 'end_turn',
    });
    const anthropic = await postJson(`${simulator.url}/u/claude-a/v1/messages`, anthropicBody(), anthropicHeaders);
    expect(message.content).toEqual(anthropic.json.content);
    expect(reply.headers['x-amzn-bedrock-input-token-count']).toBe(String(message.usage.input_tokens));
    expect(reply.headers['x-amzn-bedrock-output-token-count']).toBe(String(message.usage.output_tokens));
  });

  it.each([
    ['no anthropic_version', { anthropic_version: undefined }, /required key \[anthropic_version\]/],
    ['a Vertex anthropic_version', { anthropic_version: 'vertex-2023-10-16' }, /anthropic_version/],
    ['a model in the body', { model: 'claude-sonnet-4-5' }, /extraneous key \[model\]/],
    ['stream in the body', { stream: true }, /extraneous key \[stream\]/],
    ['no max_tokens', { max_tokens: undefined }, /max_tokens/],
    // First-party-only betas and fields, as the real platform refuses them.
    ['a first-party-only beta', { anthropic_beta: ['claude-code-20250219'] }, /^invalid beta flag$/],
    ['context-1m', { anthropic_beta: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'] }, /invalid beta/],
    ['context_management', { context_management: { edits: [] } }, /extraneous key \[context_management\]/],
    ['a system turn in messages', { messages: [{ role: 'system', content: 'x' }] }, /role system/],
  ])('refuses a body with %s as 400 ValidationException', async (_case, overrides, message) => {
    const reply = await postSigned(operationUrl('invoke'), invokeBody(overrides));
    expect(reply.status).toBe(400);
    expect(reply.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(parseJson(reply).message).toMatch(message);
  });

  it('streams chunk events whose base64 bytes hold the Anthropic event sequence, metrics on message_stop', async () => {
    const tools = [{ name: 'get_weather', input_schema: weatherToolSchema }];
    const reply = await postSigned(
      operationUrl('invoke-with-response-stream'),
      invokeBody({ tools, messages: askFor('get_weather') }),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const { messages } = decodeEventStream(reply.bytes);
    expect(new Set(eventNames(messages))).toEqual(new Set(['chunk']));
    const events = messages.map(chunkEvent);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(events.length - 5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1].content_block).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    const input = events
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta.partial_json)
      .join('');
    expect(JSON.parse(input)).toEqual({ city: 'sample', days: 1, units: 'metric' });
    expect(events.at(-2).delta.stop_reason).toBe('tool_use');
    expect(events.at(-1)['amazon-bedrock-invocationMetrics']).toEqual({
      inputTokenCount: events[0].message.usage.input_tokens,
      outputTokenCount: events.at(-2).usage.output_tokens,
      invocationLatency: expect.any(Number),
      firstByteLatency: expect.any(Number),
    });
  });
});

describe('authentication', () => {
  const body = JSON.stringify(converseBody());

  it('accepts a request signed by SignatureV4 with the simulator credentials, the model id percent-encoded', async () => {
    const url = operationUrl('converse');
    expect(url.pathname).toContain('%3A0');
    const headers = await signBedrockRequest(url, body);
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect((await postBytes(url, body, headers)).status).toBe(200);
  });

  it('accepts a signature over a raw colon, a query string and a session token, in any region', async () => {
    const url = new URL(`${simulator.url}/u/bedrock-a/model/${claudeOnBedrock}/converse?trace=on&b=2`);
    expect(url.pathname).toContain(':0');
    const headers = await signBedrockRequest(url, body, {
      region: 'eu-central-1',
      credentials: { ...simulatorAwsCredentials, sessionToken: 'session-token' },
    });
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect((await postBytes(url, body, headers)).status).toBe(200);
  });

  it('accepts a Bedrock API key as a bearer token', async () => {
    const reply = await postBytes(operationUrl('converse'), body, {
      'content-type': 'application/json',
      authorization: 'Bearer bedrock-api-key-sim',
    });
    expect(reply.status).toBe(200);
  });

  async function refusal(headers: Record<string, string>, sentBody = body, url = operationUrl('converse')) {
    const reply = await postBytes(url, sentBody, headers);
    expect(reply.status).toBe(403);
    expect(Object.keys(parseJson(reply))).toEqual(['message']);
    return {
      type: String(reply.headers['x-amzn-errortype']).split(':')[0],
      message: parseJson(reply).message as string,
    };
  }

  it('refuses an unsigned request with 403', async () => {
    expect(await refusal({ 'content-type': 'application/json' })).toEqual({
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses a malformed Authorization header with 403', async () => {
    expect((await refusal({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR' })).type).toBe(
      'IncompleteSignatureException',
    );
    expect((await refusal({ authorization: 'Basic dXNlcjpwYXNz' })).type).toBe('IncompleteSignatureException');
    const headers = await signBedrockRequest(operationUrl('converse'), body);
    expect((await refusal({ ...headers, 'x-amz-date': 'yesterday' })).type).toBe('IncompleteSignatureException');
  });

  it('refuses a signature made with the wrong secret', async () => {
    const headers = await signBedrockRequest(operationUrl('converse'), body, {
      credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'not-the-secret' },
    });
    expect((await refusal(headers)).type).toBe('InvalidSignatureException');
  });

  it('refuses an access key it does not know', async () => {
    const headers = await signBedrockRequest(operationUrl('converse'), body, {
      credentials: { accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: 'whatever' },
    });
    expect(await refusal(headers)).toEqual({
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a body changed after signing, with or without a signed x-amz-content-sha256', async () => {
    const tampered = body.replace('lighthouses', 'lightships');
    const withHash = await signBedrockRequest(operationUrl('converse'), body);
    expect(withHash['x-amz-content-sha256']).toBeDefined();
    expect((await refusal(withHash, tampered)).type).toBe('InvalidSignatureException');
    const withoutHash = await signBedrockRequest(operationUrl('converse'), body, { applyChecksum: false });
    expect(withoutHash['x-amz-content-sha256']).toBeUndefined();
    expect((await postBytes(operationUrl('converse'), body, withoutHash)).status).toBe(200);
    expect((await refusal(withoutHash, tampered)).type).toBe('InvalidSignatureException');
  });

  it('refuses a signature for another path, another service or a changed signed header', async () => {
    const headers = await signBedrockRequest(
      operationUrl('converse', 'anthropic.claude-haiku-4-5-20251001-v1:0'),
      body,
    );
    expect((await refusal(headers)).type).toBe('InvalidSignatureException');
    const otherService = await signBedrockRequest(operationUrl('converse'), body, { service: 'bedrock-runtime' });
    expect((await refusal(otherService)).message).toMatch(/scoped to correct service: 'bedrock'/);
    const signed = await signBedrockRequest(operationUrl('converse'), body);
    expect((await refusal({ ...signed, accept: 'text/plain' })).type).toBe('InvalidSignatureException');
  });

  it('counts refused requests as rejected and records them', async () => {
    const sim = await startSimulator();
    try {
      const url = new URL(`${sim.url}/u/bedrock-b/model/${encodeURIComponent(claudeOnBedrock)}/converse`);
      await postBytes(url, body, { 'content-type': 'application/json' });
      await postSigned(url, converseBody());
      expect(sim.stats().upstreams['bedrock-b']).toMatchObject({ requests: 2, rejected: 1, succeeded: 1 });
      const recorded = sim.requests('bedrock-b');
      expect(recorded).toHaveLength(2);
      expect(recorded[1]!.url).toBe(`/u/bedrock-b/model/${encodeURIComponent(claudeOnBedrock)}/converse`);
      expect(recorded[1]!.body).toEqual(converseBody());
    } finally {
      await sim.close();
    }
  });
});

describe('CountTokens', () => {
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  const foundationModel = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

  it('counts an InvokeModel body and a Converse input alike, as {"inputTokens": N}', async () => {
    const invoke = await postSigned(operationUrl('count-tokens', foundationModel), {
      input: { invokeModel: { body: base64(invokeBody()) } },
    });
    expect(invoke.status).toBe(200);
    expect(invoke.headers['x-amzn-requestid']).toBeTruthy();
    const counted = parseJson(invoke);
    expect(Object.keys(counted)).toEqual(['inputTokens']);
    expect(counted.inputTokens).toBeGreaterThan(0);
    const converse = parseJson(
      await postSigned(operationUrl('count-tokens', foundationModel), {
        input: { converse: { messages: converseBody().messages } },
      }),
    );
    expect(converse.inputTokens).toBe(counted.inputTokens);
  });

  it('checks the InvokeModel body inside as InvokeModel would', async () => {
    const reply = await postSigned(operationUrl('count-tokens', foundationModel), {
      input: { invokeModel: { body: base64({ ...invokeBody(), anthropic_version: undefined }) } },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(parseJson(reply).message).toMatch(/anthropic_version/);
  });

  it('refuses a model that does not count: an inference profile or another family', async () => {
    for (const model of [claudeOnBedrock, 'moonshot.kimi-k2-thinking']) {
      const reply = await postSigned(operationUrl('count-tokens', model), {
        input: { invokeModel: { body: base64(invokeBody()) } },
      });
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
      expect(parseJson(reply).message).toBe("The provided model doesn't support counting tokens.");
    }
  });

  it('authenticates before reading the body', async () => {
    const url = operationUrl('count-tokens', foundationModel);
    const reply = await postBytes(url, '{}', { 'content-type': 'application/json' });
    expect(reply.status).toBe(403);
  });
});
