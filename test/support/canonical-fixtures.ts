// Canonical requests shared by adapter tests: the same conversation every adapter must carry.
import type { CanonicalRequest } from '../../src/canonical/request.js';

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' } },
  required: ['city'],
};

export function simpleTextRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'sonnet',
    system: [{ type: 'text', text: 'You are terse.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
    maxTokens: 256,
    stream: false,
    original: { format: 'anthropic-messages', body: {} },
    ...overrides,
  };
}

/** A full tool round trip: user asks, assistant calls a tool, user returns the result, with an image. */
export function toolRoundTripRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'sonnet',
    system: [{ type: 'text', text: 'Use tools when they help.', cacheControl: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is the weather in Paris? Here is a picture.' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'I should call the tool.', signature: 'sig-abc' },
          { type: 'text', text: 'Let me check.' },
          { type: 'tool-call', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01',
            content: [{ type: 'text', text: '18C, sunny' }],
            isError: false,
          },
        ],
      },
    ],
    tools: [{ name: 'get_weather', description: 'Current weather', inputSchema: weatherSchema }],
    toolChoice: { type: 'auto' },
    maxTokens: 512,
    temperature: 0.5,
    stopSequences: ['END'],
    stream: true,
    original: { format: 'anthropic-messages', body: {} },
    ...overrides,
  };
}
