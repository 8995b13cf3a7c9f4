// The official SDKs as clients of the simulator. Their stream helpers are strict parsers (they
// throw on a missing message_start, unmatched blocks, no role or no finish_reason), so passing
// here is the proof that the simulator's wire format is exact.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { askFor, weatherToolSchema } from './simulator-client.js';

let simulator: RunningSimulator;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator();
  anthropic = new Anthropic({
    apiKey: 'sk-ant-sdk-test',
    baseURL: `${simulator.url}/u/claude-a`,
    maxRetries: 0,
    logLevel: 'off',
  });
  openai = new OpenAI({
    apiKey: 'sk-openai-sdk-test',
    baseURL: `${simulator.url}/u/gpt-b/v1`,
    maxRetries: 0,
    logLevel: 'off',
  });
});
afterAll(() => simulator.close());
beforeEach(() => {
  simulator.faults.clear();
});

const question = [{ role: 'user' as const, content: 'How do lighthouses work?' }];
const askingForWeather = askFor('get_weather');

describe('Anthropic SDK', () => {
  it('reads a JSON message', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      messages: question,
    });
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.content[0]?.type).toBe('text');
    expect(message.stop_reason).toBe('end_turn');
  });

  it('reads a stream with messages.stream().finalMessage()', async () => {
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: question });
    let streamedText = '';
    stream.on('text', (text) => {
      streamedText += text;
    });
    const message = await stream.finalMessage();
    const block = message.content[0];
    expect(block?.type).toBe('text');
    expect(block?.type === 'text' && block.text).toBe(streamedText);
    expect(streamedText).toContain('How do lighthouses work?');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(streamedText.split(' ').length);
  });

  it('reads a streamed tool call with its input parsed', async () => {
    const message = await anthropic.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        messages: askingForWeather,
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            input_schema: weatherToolSchema as Anthropic.Tool.InputSchema,
          },
        ],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'sample', days: 1, units: 'metric' },
    });
  });

  it('reads max_tokens truncation and count_tokens', async () => {
    const message = await anthropic.messages
      .stream({ model: 'claude-sonnet-4-6', max_tokens: 3, messages: question })
      .finalMessage();
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(3);
    const counted = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-6', messages: question });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('surfaces an injected 529 as an APIError with overloaded_error', async () => {
    simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    const failure = await anthropic.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: question })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error' },
    });
  });

  it('surfaces a mid-stream event: error from finalMessage()', async () => {
    simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529, afterEvents: 5 });
    const failure = await anthropic.messages
      .stream({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: question })
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(String((failure as Error).message)).toContain('overloaded_error');
  });

  it.each(['cut', 'malformed'] as const)('fails finalMessage() on a %s stream', async (kind) => {
    simulator.faults.add({ target: 'claude-a', kind, afterEvents: 4 });
    await expect(
      anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: question }).finalMessage(),
    ).rejects.toThrow();
  });
});

describe('OpenAI SDK', () => {
  it('reads a JSON completion', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-5', messages: question });
    expect(completion.model).toBe('gpt-5');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content).toContain('How do lighthouses work?');
  });

  it('reads a stream with chat.completions.stream().finalChatCompletion(), usage included', async () => {
    const stream = openai.chat.completions.stream({
      model: 'gpt-5',
      messages: question,
      stream_options: { include_usage: true },
    });
    let streamedText = '';
    stream.on('content.delta', ({ delta }) => {
      streamedText += delta;
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe(streamedText);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(streamedText.split(' ').length);
  });

  it('reads streamed tool calls', async () => {
    const completion = await openai.chat.completions
      .stream({
        model: 'gpt-5',
        messages: askingForWeather,
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherToolSchema } }],
      })
      .finalChatCompletion();
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      city: 'sample',
      days: 1,
      units: 'metric',
    });
  });

  it('surfaces an injected 429 as an APIError with rate_limit_exceeded', async () => {
    simulator.faults.add({ target: 'gpt-b', kind: 'error', status: 429 });
    const failure = await openai.chat.completions
      .create({ model: 'gpt-5', messages: question })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
  });

  it('surfaces a mid-stream error chunk from finalChatCompletion()', async () => {
    simulator.faults.add({ target: 'gpt-b', kind: 'error', status: 500, afterEvents: 4 });
    const failure = await openai.chat.completions
      .stream({ model: 'gpt-5', messages: question })
      .finalChatCompletion()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });

  it.each(['cut', 'malformed'] as const)('fails finalChatCompletion() on a %s stream', async (kind) => {
    simulator.faults.add({ target: 'gpt-b', kind, afterEvents: 3 });
    await expect(
      openai.chat.completions.stream({ model: 'gpt-5', messages: question }).finalChatCompletion(),
    ).rejects.toThrow();
  });
});
