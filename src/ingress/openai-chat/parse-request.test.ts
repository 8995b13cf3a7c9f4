import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { parseOpenAIChatRequest } from './parse-request.js';

const fixtureDirectory = fileURLToPath(new URL('../../../test/fixtures/openai-ingress/requests/', import.meta.url));

interface RequestFixture {
  description: string;
  body: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const requestFixtures = readdirSync(fixtureDirectory)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, fixture: JSON.parse(readFileSync(fixtureDirectory + name, 'utf8')) as RequestFixture }));

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], ...extra };
}

function parseFailure(body: unknown): GatewayError {
  try {
    parseOpenAIChatRequest(body, {});
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('parseOpenAIChatRequest: fixtures (docs/protocols/openai-chat.md §2.1)', () => {
  it('has the fixtures it is meant to replay', () => {
    expect(requestFixtures.map((entry) => entry.name).sort()).toEqual([
      'ai-sdk-stream.json',
      'multi-part-user-image.json',
      'parallel-tool-results.json',
      'system-and-developer.json',
    ]);
  });

  for (const { name, fixture } of requestFixtures) {
    it(`${name}: ${fixture.description}`, () => {
      const canonical = parseOpenAIChatRequest(fixture.body, {});
      expect(canonical).toStrictEqual({ ...fixture.expected, original: { format: 'openai-chat', body: fixture.body } });
      // The raw body is kept by reference, unknown fields included, for same-format upstreams.
      expect(canonical.original.body).toBe(fixture.body);
    });
  }
});

describe('parseOpenAIChatRequest: options', () => {
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];

  it.each([
    ['none', undefined, { type: 'none' }],
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'lookup' } }, undefined, { type: 'tool', name: 'lookup' }],
    ['auto', false, { type: 'auto', disableParallel: true }],
    ['required', false, { type: 'any', disableParallel: true }],
    [
      { type: 'function', function: { name: 'lookup' } },
      false,
      { type: 'tool', name: 'lookup', disableParallel: true },
    ],
    ['none', false, { type: 'none' }],
    ['required', true, { type: 'any' }],
    [undefined, false, { type: 'auto', disableParallel: true }],
  ])('tool_choice %j with parallel_tool_calls %j → %j', (toolChoice, parallel, expected) => {
    const canonical = parseOpenAIChatRequest(
      minimal({ tools, tool_choice: toolChoice, parallel_tool_calls: parallel }),
      {},
    );
    expect(canonical.toolChoice).toStrictEqual(expected);
  });

  it('leaves toolChoice unset when the client said nothing about it', () => {
    expect(parseOpenAIChatRequest(minimal({ tools }), {}).toolChoice).toBeUndefined();
  });

  it('prefers max_completion_tokens over the deprecated max_tokens', () => {
    expect(parseOpenAIChatRequest(minimal({ max_tokens: 100, max_completion_tokens: 200 }), {}).maxTokens).toBe(200);
    expect(parseOpenAIChatRequest(minimal({ max_tokens: 100 }), {}).maxTokens).toBe(100);
    expect(parseOpenAIChatRequest(minimal(), {}).maxTokens).toBeUndefined();
  });

  it('reads stream flags and user ids', () => {
    const streaming = parseOpenAIChatRequest(minimal({ stream: true, stream_options: { include_usage: false } }), {});
    expect(streaming.stream).toBe(true);
    expect(streaming.includeUsage).toBe(false);
    expect(parseOpenAIChatRequest(minimal({ user: 'u-1' }), {}).userId).toBe('u-1');
    expect(parseOpenAIChatRequest(minimal({ user: 'u-1', safety_identifier: 's-1' }), {}).userId).toBe('s-1');
  });

  it('accepts parameters it has never heard of', () => {
    const body = minimal({ some_future_parameter: { nested: [1, 2] }, prediction: { type: 'content', content: 'x' } });
    expect(parseOpenAIChatRequest(body, {}).original.body).toHaveProperty('some_future_parameter');
  });

  it('passes anthropic-beta flags from the headers through', () => {
    const canonical = parseOpenAIChatRequest(minimal(), {
      'anthropic-beta': 'context-1m-2025-08-07, interleaved-thinking',
    });
    expect(canonical.anthropicBeta).toEqual(['context-1m-2025-08-07', 'interleaved-thinking']);
    expect(parseOpenAIChatRequest(minimal(), {}).anthropicBeta).toBeUndefined();
  });

  it('keeps an earlier refusal as text and drops the empty text beside tool calls', () => {
    const canonical = parseOpenAIChatRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
          { role: 'user', content: 'b' },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
          { role: 'user', content: 'c' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '' } }] },
          { role: 'tool', tool_call_id: 'c1', content: '' },
        ],
      },
      {},
    );
    expect(canonical.messages[1]).toStrictEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'I cannot help with that.' }],
    });
    expect(canonical.messages[3]).toStrictEqual({ role: 'assistant', content: [{ type: 'text', text: 'No.' }] });
    expect(canonical.messages[5]).toStrictEqual({
      role: 'assistant',
      content: [{ type: 'tool-call', id: 'c1', name: 'f', input: {} }],
    });
    expect(canonical.messages[6]).toStrictEqual({
      role: 'user',
      content: [{ type: 'tool-result', toolCallId: 'c1', content: [], isError: false }],
    });
  });

  it('wraps tool arguments that are valid JSON but not an object', () => {
    const canonical = parseOpenAIChatRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'f', arguments: '[1,2]' } },
              { id: 'c2', type: 'function', function: { name: 'f', arguments: { already: 'parsed' } } },
            ],
          },
        ],
      },
      {},
    );
    expect(canonical.messages[1]?.content).toStrictEqual([
      { type: 'tool-call', id: 'c1', name: 'f', input: { _raw_arguments: '[1,2]' } },
      { type: 'tool-call', id: 'c2', name: 'f', input: { already: 'parsed' } },
    ]);
  });

  it('takes bare base64 file_data as a PDF', () => {
    const canonical = parseOpenAIChatRequest(
      minimal({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'JVBERi0=' } }] }] }),
      {},
    );
    expect(canonical.messages[0]?.content).toStrictEqual([
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });
});

const user = (content: unknown) => ({ role: 'user', content });
const assistantWithCall = (call: Record<string, unknown>) => ({ role: 'assistant', content: null, tool_calls: [call] });

describe('parseOpenAIChatRequest: invalid requests → 400 naming the path', () => {
  it.each<[string, unknown, string | undefined, string]>([
    ['a body that is an array', [], undefined, 'JSON object'],
    ['a body that is null', null, undefined, 'JSON object'],
    ['no model', { messages: [user('Hi')] }, 'model', "Missing required parameter: 'model'"],
    ['a numeric model', minimal({ model: 4 }), 'model', 'expected string'],
    ['an empty model', minimal({ model: '' }), 'model', "'model'"],
    ['no messages', { model: 'm' }, 'messages', "Missing required parameter: 'messages'"],
    ['empty messages', minimal({ messages: [] }), 'messages', 'at least one message'],
    ['messages that is not an array', minimal({ messages: 'Hi' }), 'messages', 'expected array'],
    ['an unknown role', minimal({ messages: [{ role: 'robot', content: 'x' }] }), 'messages[0].role', "'assistant'"],
    ['a message without role', minimal({ messages: [{ content: 'x' }] }), 'messages[0].role', "'messages[0].role'"],
    [
      'the function role',
      minimal({ messages: [user('a'), { role: 'function', name: 'f', content: 'x' }] }),
      'messages[1].role',
      'function',
    ],
    [
      'user content missing',
      minimal({ messages: [{ role: 'user' }] }),
      'messages[0].content',
      'Missing required parameter',
    ],
    ['user content a number', minimal({ messages: [user(42)] }), 'messages[0].content', 'string or an array'],
    [
      'an unknown part type',
      minimal({ messages: [user([{ type: 'video', url: 'x' }])] }),
      'messages[0].content[0].type',
      "'image_url'",
    ],
    [
      'an image part without url',
      minimal({
        messages: [
          user([
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: {} },
          ]),
        ],
      }),
      'messages[0].content[1].image_url.url',
      'Missing required parameter',
    ],
    [
      'an image with an ftp url',
      minimal({ messages: [user([{ type: 'image_url', image_url: { url: 'ftp://host/cat.png' } }])] }),
      'messages[0].content[0].image_url.url',
      'https URL or a base64 data URI',
    ],
    [
      'an image data URI that is not base64',
      minimal({ messages: [user([{ type: 'image_url', image_url: { url: 'data:image/svg+xml,<svg/>' } }])] }),
      'messages[0].content[0].image_url.url',
      'base64',
    ],
    [
      'audio input',
      minimal({ messages: [user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])] }),
      'messages[0].content[0]',
      'audio input is not supported',
    ],
    [
      'a file part with neither data nor id',
      minimal({ messages: [user([{ type: 'file', file: { filename: 'a.pdf' } }])] }),
      'messages[0].content[0].file',
      'file_data or file_id',
    ],
    [
      'an assistant message with neither content nor tool calls',
      minimal({ messages: [user('a'), { role: 'assistant', content: null }] }),
      'messages[1].content',
      'content or tool_calls',
    ],
    [
      'tool call arguments that are a number',
      minimal({
        messages: [user('a'), assistantWithCall({ id: 'c', type: 'function', function: { name: 'f', arguments: 5 } })],
      }),
      'messages[1].tool_calls[0].function.arguments',
      'JSON string',
    ],
    [
      'a custom tool call',
      minimal({
        messages: [user('a'), assistantWithCall({ id: 'c', type: 'custom', custom: { name: 'f', input: 'x' } })],
      }),
      'messages[1].tool_calls[0].type',
      "type 'function'",
    ],
    [
      'a tool call without id',
      minimal({
        messages: [user('a'), assistantWithCall({ type: 'function', function: { name: 'f', arguments: '{}' } })],
      }),
      'messages[1].tool_calls[0].id',
      'Missing required parameter',
    ],
    [
      'a tool message without tool_call_id',
      minimal({ messages: [user('a'), { role: 'tool', content: 'x' }] }),
      'messages[1].tool_call_id',
      'Missing',
    ],
    [
      'a tool message with an image part',
      minimal({
        messages: [
          user('a'),
          { role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] },
        ],
      }),
      'messages[1].content[0].type',
      "only 'text'",
    ],
    [
      'a system message with a number',
      minimal({ messages: [{ role: 'system', content: 1 }, user('a')] }),
      'messages[0].content',
      'string or an array',
    ],
    [
      'a tool without type',
      minimal({ tools: [{ function: { name: 'x' } }] }),
      'tools[0].type',
      'Missing required parameter',
    ],
    [
      'a custom tool',
      minimal({ tools: [{ type: 'custom', custom: { name: 'x' } }] }),
      'tools[0].type',
      "type 'function'",
    ],
    [
      'a tool without a name',
      minimal({ tools: [{ type: 'function', function: { parameters: {} } }] }),
      'tools[0].function.name',
      'Missing',
    ],
    ['tools that is an object', minimal({ tools: { type: 'function' } }), 'tools', 'expected array'],
    ['tool_choice of an unknown word', minimal({ tool_choice: 'sometimes' }), 'tool_choice', "'required'"],
    [
      'tool_choice function without name',
      minimal({ tool_choice: { type: 'function', function: {} } }),
      'tool_choice.function.name',
      'Missing',
    ],
    ['n of 2', minimal({ n: 2 }), 'n', 'one choice'],
    ['n of 0', minimal({ n: 0 }), 'n', "'n'"],
    ['max_tokens of 0', minimal({ max_tokens: 0 }), 'max_tokens', "'max_tokens'"],
    [
      'max_completion_tokens not an integer',
      minimal({ max_completion_tokens: 1.5 }),
      'max_completion_tokens',
      'expected int',
    ],
    ['temperature above 2', minimal({ temperature: 3 }), 'temperature', "'temperature'"],
    ['top_p above 1', minimal({ top_p: 1.5 }), 'top_p', "'top_p'"],
    ['stop that is a number', minimal({ stop: 5 }), 'stop', 'string or an array of strings'],
    ['stop with a number inside', minimal({ stop: ['a', 5] }), 'stop[1]', 'expected string'],
    [
      'an unknown response_format',
      minimal({ response_format: { type: 'xml' } }),
      'response_format.type',
      "'json_schema'",
    ],
    [
      'a json_schema response_format without name',
      minimal({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }),
      'response_format.json_schema.name',
      'Missing',
    ],
    ['stream that is a string', minimal({ stream: 'yes' }), 'stream', 'expected boolean'],
    [
      'include_usage that is a string',
      minimal({ stream: true, stream_options: { include_usage: 'yes' } }),
      'stream_options.include_usage',
      'expected boolean',
    ],
    [
      'the deprecated functions parameter',
      minimal({ functions: [{ name: 'f', parameters: {} }] }),
      'functions',
      'tools',
    ],
    ['the deprecated function_call parameter', minimal({ function_call: 'auto' }), 'function_call', 'tool_choice'],
  ])('%s', (_name, body, param, messageFragment) => {
    const error = parseFailure(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe('SWITCHYARD_INVALID_REQUEST');
    expect(error.shouldRetry).toBe(false);
    expect(error.param).toBe(param);
    if (param !== undefined) expect(error.message).toContain(`'${param}'`);
    expect(error.message).toContain(messageFragment);
  });
});
