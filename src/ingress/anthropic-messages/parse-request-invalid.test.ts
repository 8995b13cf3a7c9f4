// Invalid Anthropic requests: each is a 400 GatewayError whose message and `param` name the field.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { parseAnthropicRequest } from './parse-request.js';

const valid = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function rejection(body: unknown, options?: { countTokens?: boolean }): GatewayError {
  try {
    parseAnthropicRequest(body, {}, options);
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

function withMessage(content: unknown, role = 'user') {
  return { ...valid, messages: [{ role, content }] };
}

describe('parseAnthropicRequest: invalid requests', () => {
  const cases: Array<[name: string, body: unknown, param: string, message: RegExp]> = [
    ['a non-object body', [1, 2], 'body', /^body: expected a JSON object$/],
    ['a null body', null, 'body', /^body: expected a JSON object$/],
    ['a missing model', { ...valid, model: undefined }, 'model', /^model: required/],
    ['a numeric model', { ...valid, model: 42 }, 'model', /^model: expected string, received number$/],
    ['an empty model', { ...valid, model: '' }, 'model', /^model: /],
    ['a missing max_tokens', { ...valid, max_tokens: undefined }, 'max_tokens', /^max_tokens: required/],
    ['a string max_tokens', { ...valid, max_tokens: '100' }, 'max_tokens', /^max_tokens: expected/],
    ['a zero max_tokens', { ...valid, max_tokens: 0 }, 'max_tokens', /^max_tokens: expected a positive integer$/],
    ['a fractional max_tokens', { ...valid, max_tokens: 1.5 }, 'max_tokens', /^max_tokens: expected integer/],
    ['missing messages', { model: 'm', max_tokens: 1 }, 'messages', /^messages: required \(expected array\)$/],
    [
      'messages as an object',
      { ...valid, messages: { role: 'user' } },
      'messages',
      /^messages: expected array, received object$/,
    ],
    ['empty messages', { ...valid, messages: [] }, 'messages', /^messages: /],
    ['a message that is a string', { ...valid, messages: ['hi'] }, 'messages.0', /^messages\.0: expected object/],
    [
      'a bad role',
      withMessage('hi', 'bot'),
      'messages.0.role',
      /^messages\.0\.role: expected one of .*user.*assistant.*system/,
    ],
    ['a missing role', { ...valid, messages: [{ content: 'hi' }] }, 'messages.0.role', /^messages\.0\.role: /],
    ['numeric content', withMessage(5), 'messages.0.content', /^messages\.0\.content: expected string or array$/],
    [
      'missing content',
      { ...valid, messages: [{ role: 'user' }] },
      'messages.0.content',
      /^messages\.0\.content: expected string or array$/,
    ],
    [
      'a block without type',
      withMessage([{ text: 'x' }]),
      'messages.0.content.0.type',
      /^messages\.0\.content\.0\.type: expected string/,
    ],
    [
      'a block that is a number',
      withMessage([7]),
      'messages.0.content.0',
      /^messages\.0\.content\.0: expected object$/,
    ],
    [
      'text that is not a string',
      withMessage([{ type: 'text', text: 5 }]),
      'messages.0.content.0.text',
      /^messages\.0\.content\.0\.text: expected string, received number$/,
    ],
    [
      'an image with an unknown source',
      withMessage([{ type: 'image', source: { type: 'ftp' } }]),
      'messages.0.content.0.source.type',
      /expected one of base64, url, file/,
    ],
    [
      'an image without data',
      withMessage([{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }]),
      'messages.0.content.0.source.data',
      /^messages\.0\.content\.0\.source\.data: required/,
    ],
    [
      'a document with an unknown source',
      withMessage([{ type: 'document', source: { type: 'zip' } }]),
      'messages.0.content.0.source.type',
      /expected one of base64, text, content, url, file/,
    ],
    [
      'a tool_use without id',
      withMessage([{ type: 'tool_use', name: 'a', input: {} }], 'assistant'),
      'messages.0.content.0.id',
      /required/,
    ],
    [
      'a tool_use with array input',
      withMessage([{ type: 'tool_use', id: 't', name: 'a', input: [] }], 'assistant'),
      'messages.0.content.0.input',
      /expected object, received array/,
    ],
    [
      'a tool_result with numeric content',
      withMessage([{ type: 'tool_result', tool_use_id: 't', content: 3 }]),
      'messages.0.content.0.content',
      /expected string or array/,
    ],
    [
      'a tool_result with a bad inner block',
      withMessage([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: null }] }]),
      'messages.0.content.0.content.0.text',
      /expected string, received null/,
    ],
    [
      'a tool_result with string is_error',
      withMessage([{ type: 'tool_result', tool_use_id: 't', is_error: 'yes' }]),
      'messages.0.content.0.is_error',
      /expected boolean/,
    ],
    [
      'thinking without text',
      withMessage([{ type: 'thinking', signature: 's' }], 'assistant'),
      'messages.0.content.0.thinking',
      /required/,
    ],
    [
      'a cache_control that is a string',
      withMessage([{ type: 'text', text: 'x', cache_control: 'ephemeral' }]),
      'messages.0.content.0.cache_control',
      /expected object/,
    ],
    ['a numeric system', { ...valid, system: 5 }, 'system', /^system: expected string or array$/],
    [
      'a system image block',
      { ...valid, system: [{ type: 'image', source: {} }] },
      'system.0.type',
      /^system\.0\.type: /,
    ],
    ['tools as an object', { ...valid, tools: { name: 'a' } }, 'tools', /^tools: expected array/],
    [
      'a tool without input_schema',
      { ...valid, tools: [{ name: 'a' }] },
      'tools.0.input_schema',
      /^tools\.0\.input_schema: required \(expected object\)$/,
    ],
    ['a tool without name', { ...valid, tools: [{ input_schema: {} }] }, 'tools.0.name', /^tools\.0\.name: required/],
    [
      'an unknown tool_choice',
      { ...valid, tool_choice: { type: 'sometimes' } },
      'tool_choice.type',
      /expected one of auto, any, tool, none/,
    ],
    ['tool_choice tool without name', { ...valid, tool_choice: { type: 'tool' } }, 'tool_choice.name', /required/],
    [
      'a string disable_parallel_tool_use',
      { ...valid, tool_choice: { type: 'auto', disable_parallel_tool_use: 'no' } },
      'tool_choice.disable_parallel_tool_use',
      /expected boolean/,
    ],
    [
      'enabled thinking without budget',
      { ...valid, thinking: { type: 'enabled' } },
      'thinking.budget_tokens',
      /required/,
    ],
    [
      'a string temperature',
      { ...valid, temperature: 'hot' },
      'temperature',
      /^temperature: expected number, received string$/,
    ],
    ['a string top_p', { ...valid, top_p: '0.9' }, 'top_p', /^top_p: expected number/],
    ['a negative top_k', { ...valid, top_k: -1 }, 'top_k', /^top_k: /],
    [
      'stop_sequences as a string',
      { ...valid, stop_sequences: 'END' },
      'stop_sequences',
      /^stop_sequences: expected array/,
    ],
    [
      'a numeric stop sequence',
      { ...valid, stop_sequences: ['a', 1] },
      'stop_sequences.1',
      /^stop_sequences\.1: expected string/,
    ],
    ['a string stream flag', { ...valid, stream: 'true' }, 'stream', /^stream: expected boolean, received string$/],
    [
      'a numeric metadata.user_id',
      { ...valid, metadata: { user_id: 5 } },
      'metadata.user_id',
      /^metadata\.user_id: expected string/,
    ],
    [
      'a numeric output_config.effort',
      { ...valid, output_config: { effort: 3 } },
      'output_config.effort',
      /expected string/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, body, param, message) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe('SWITCHYARD_INVALID_REQUEST');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.shouldRetry).toBe(false);
  });

  it('rejects a deep fault in a later message, naming its full path', () => {
    const body = {
      ...valid,
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'assistant', content: [{ type: 'text', text: 'fine' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'fine' },
            { type: 'image', source: { type: 'url', url: 9 } },
          ],
        },
      ],
    };
    const error = rejection(body);
    expect(error.param).toBe('messages.2.content.1.source.url');
    expect(error.message).toBe('messages.2.content.1.source.url: expected string, received number');
  });

  it('says how many more issues there were', () => {
    expect(rejection({}).message).toMatch(/^model: required \(expected string\) \(and 2 more issues\)$/);
  });

  it('still validates max_tokens on count_tokens when it is sent', () => {
    expect(rejection({ ...valid, max_tokens: -1 }, { countTokens: true }).param).toBe('max_tokens');
    expect(rejection({ model: 'm' }, { countTokens: true }).param).toBe('messages');
  });
});
