// Bedrock event streams → canonical events, from the binary fixtures of test/fixtures/bedrock:
// ConverseStream (text, tool call, reasoning with a signature), InvokeModel chunks (through the
// Anthropic converter, with invocation metrics as usage fallback) and exception frames mid-stream.
import { captureSkippedEvents } from '../../../test/support/skipped-events.js';
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { CanonicalRequest } from '../../canonical/request.js';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import {
  bedrockStreamBytes,
  encodeEventFixtures,
  type EventFixture,
} from '../../../test/fixtures/bedrock/load-fixtures.js';
import { convertBedrockStream } from './convert-bedrock-stream.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function collect(
  bytes: Uint8Array,
  request: CanonicalRequest = simpleTextRequest({ stream: true }),
): Promise<CanonicalStreamEvent[]> {
  const events: CanonicalStreamEvent[] = [];
  for await (const event of convertBedrockStream(once(bytes), request)) events.push(event);
  return events;
}

const frames = (list: EventFixture[]): Uint8Array => new Uint8Array(encodeEventFixtures(list));

describe('ConverseStream', () => {
  it('turns text deltas into a text block that starts with its first delta, then finishes with metadata usage', async () => {
    expect(await collect(bedrockStreamBytes('converse-text'))).toEqual([
      { type: 'message-start' },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Hello!' },
      { type: 'text-delta', index: 0, text: ' How can I help?' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'end_turn',
        stopSequence: null,
        usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('turns a toolUse start and input fragments into a tool-call block', async () => {
    const events = await collect(bedrockStreamBytes('converse-tool'));
    expect(events.slice(4)).toEqual([
      {
        type: 'block-start',
        index: 1,
        block: { type: 'tool-call', id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather' },
      },
      { type: 'tool-input-delta', index: 1, partialJson: '{"city": ' },
      { type: 'tool-input-delta', index: 1, partialJson: '"Par' },
      { type: 'tool-input-delta', index: 1, partialJson: 'is"}' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'tool-use',
        rawReason: 'tool_use',
        stopSequence: null,
        usage: { inputTokens: 412, outputTokens: 57, cacheReadTokens: 1024, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('maps a sanitised tool name back to the client’s own', async () => {
    const request = simpleTextRequest({ stream: true, tools: [{ name: 'files.read', inputSchema: {} }] });
    const events = await collect(
      frames([
        { event: 'messageStart', payload: { role: 'assistant' } },
        {
          event: 'contentBlockStart',
          payload: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_1', name: 'files_read' } } },
        },
        { event: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
        { event: 'messageStop', payload: { stopReason: 'tool_use' } },
        { event: 'metadata', payload: { usage: { inputTokens: 1, outputTokens: 1 } } },
      ]),
      request,
    );
    expect(events[1]).toEqual({
      type: 'block-start',
      index: 0,
      block: { type: 'tool-call', id: 'tooluse_1', name: 'files.read' },
    });
  });

  it('turns reasoning deltas into a thinking block with its signature, and reads the matched stop sequence', async () => {
    const events = await collect(bedrockStreamBytes('converse-reasoning'));
    expect(events).toEqual([
      { type: 'message-start' },
      { type: 'block-start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking-delta', index: 0, text: 'The user wants a greeting' },
      { type: 'thinking-delta', index: 0, text: ', so I will greet them.' },
      { type: 'signature-delta', index: 0, signature: 'EqoBCkgIARABGAIiQL2UoU0b1OHYi' },
      { type: 'block-end', index: 0 },
      { type: 'block-start', index: 1, block: { type: 'text' } },
      { type: 'text-delta', index: 1, text: 'Hello there.' },
      { type: 'block-end', index: 1 },
      {
        type: 'finish',
        reason: 'stop-sequence',
        rawReason: 'stop_sequence',
        stopSequence: 'END',
        usage: { inputTokens: 40, outputTokens: 96, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('starts a redacted-thinking block with its data', async () => {
    const events = await collect(
      frames([
        {
          event: 'contentBlockDelta',
          payload: { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: 'b3BhcXVl' } } },
        },
        { event: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
      ]),
    );
    expect(events).toEqual([
      { type: 'message-start' },
      { type: 'block-start', index: 0, block: { type: 'redacted-thinking', data: 'b3BhcXVl' } },
      { type: 'block-end', index: 0 },
    ]);
  });

  it('finishes at the end of the body when messageStop came but metadata never did', async () => {
    const events = await collect(
      frames([
        { event: 'messageStart', payload: { role: 'assistant' } },
        { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'Hi' } } },
        { event: 'messageStop', payload: { stopReason: 'max_tokens' } },
      ]),
    );
    expect(events.at(-2)).toEqual({ type: 'block-end', index: 0 });
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'max-tokens',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it('does not finish a stream that ended before messageStop', async () => {
    const events = await collect(frames([{ event: 'messageStart', payload: { role: 'assistant' } }]));
    expect(events).toEqual([{ type: 'message-start' }]);
  });

  it.each([
    ['converse-exception', 'rate-limited', 'ThrottlingException'],
    ['converse-service-unavailable', 'overloaded', 'ServiceUnavailableException'],
    ['unmodeled-error', 'server', 'InternalFailure'],
  ] as const)('turns the exception frame of %s into an error event (%s)', async (fixture, kind, providerCode) => {
    const events = await collect(bedrockStreamBytes(fixture));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.error.kind).toBe(kind);
    expect(last.error.providerCode).toBe(providerCode);
    expect(last.error.status).toBeUndefined();
  });

  it('stops at an exception frame and ignores what follows', async () => {
    const events = await collect(
      frames([
        { event: 'messageStart', payload: { role: 'assistant' } },
        { exception: 'internalServerException', payload: { message: 'boom' } },
        { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'late' } } },
      ]),
    );
    expect(events.map((event) => event.type)).toEqual(['message-start', 'error']);
  });
});

describe('InvokeModelWithResponseStream', () => {
  it('decodes each chunk into an Anthropic event and converts it', async () => {
    expect(await collect(bedrockStreamBytes('invoke-text'))).toEqual([
      {
        type: 'message-start',
        id: 'msg_bdrk_01TextFixture',
        upstreamModel: 'claude-opus-4-6',
        usage: { inputTokens: 21, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: 'block-start', index: 0, block: { type: 'text' } },
      { type: 'text-delta', index: 0, text: 'Hello!' },
      { type: 'text-delta', index: 0, text: ' How can I help?' },
      { type: 'block-end', index: 0 },
      {
        type: 'finish',
        reason: 'end-turn',
        rawReason: 'end_turn',
        stopSequence: null,
        usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('takes usage from amazon-bedrock-invocationMetrics when the events carried none', async () => {
    const events = await collect(bedrockStreamBytes('invoke-metrics-only'));
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'end-turn',
      usage: { inputTokens: 9, outputTokens: 4, cacheReadTokens: 100, cacheWriteTokens: 0 },
    });
  });

  it('turns a modelStreamErrorException frame into a retryable stream-interrupted error', async () => {
    const events = await collect(bedrockStreamBytes('invoke-exception'));
    expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'error']);
    const last = events.at(-1);
    if (last?.type !== 'error') throw new Error('expected an error event');
    expect(last.error.kind).toBe('stream-interrupted');
    expect(last.error.message).toContain('Overloaded');
  });

  it('ends at an Anthropic error event carried in a chunk', async () => {
    const events = await collect(
      frames([
        { event: 'chunk', chunk: { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } } },
        { event: 'chunk', chunk: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
        { event: 'chunk', chunk: { type: 'message_stop' } },
      ]),
    );
    expect(events.map((event) => event.type)).toEqual(['message-start', 'error']);
    expect(events[1]?.type === 'error' && events[1].error.kind).toBe('overloaded');
  });

  it('skips a chunk whose bytes are not base64 JSON and reads the chunks after it', async () => {
    const skipped = captureSkippedEvents();
    try {
      const textChunks = [
        { event: 'chunk', chunk: { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } } },
        { event: 'chunk', chunk: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        { event: 'chunk', chunk: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } } },
      ];
      const events = await collect(
        frames([textChunks[0]!, { event: 'chunk', payload: { bytes: 'bm90IGpzb24=' } }, ...textChunks.slice(1)]),
      );
      expect(events).toEqual(await collect(frames(textChunks)));
      expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta']);
    } finally {
      skipped.stop();
    }
    expect(skipped.events).toEqual([{ provider: 'bedrock', reason: 'chunk bytes is not a JSON object' }]);
  });
});
