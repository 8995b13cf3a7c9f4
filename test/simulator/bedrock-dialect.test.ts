// The Bedrock dialect on the wire: Converse / ConverseStream / InvokeModel /
// InvokeModelWithResponseStream shapes decoded with the AWS SDK's event-stream codec (signing and
// CountTokens: bedrock-dialect-auth.test.ts; faults: bedrock-faults.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { anthropicBody, anthropicHeaders, askFor, postJson, weatherToolSchema } from './simulator-client.js';
import {
  chunkEvent,
  claudeOnBedrock,
  decodeEventStream,
  parseJson,
  postSigned,
  type DecodedMessage,
} from './cloud-client.js';
import { bedrockOperationUrl, converseBody, invokeBody, userText } from './bedrock-requests.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const operationUrl = (operation: string, model?: string, name?: string) =>
  bedrockOperationUrl(simulator.url, operation, model, name);

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
