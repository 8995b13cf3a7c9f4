// Mid-stream failures: an upstream error event or fail(GatewayError) becomes `event: error`, the
// sink ends, nothing follows, and the Anthropic SDK throws instead of reporting partial success.
import { describe, expect, it } from 'vitest';
import { APIError } from '@anthropic-ai/sdk';
import { GatewayError } from '../../canonical/gateway-error.js';
import { UpstreamError } from '../../canonical/errors.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import {
  collectingSink,
  finalMessageFromSdk,
  readEvents,
} from '../../../test/fixtures/anthropic-ingress/stream-harness.js';
import { createAnthropicStreamWriter } from './write-stream.js';

const opening: CanonicalStreamEvent[] = [
  { type: 'message-start', id: 'msg_1', usage: { inputTokens: 5 } },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'Partial ans' },
];

async function sdkError(text: string): Promise<APIError> {
  const error = await finalMessageFromSdk(text).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

describe('createAnthropicStreamWriter: errors', () => {
  it('turns an upstream error event into event: error, ends the sink and writes nothing after', async () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, 'claude-sonnet-4-5');
    for (const event of opening) writer.write(event);
    writer.write({
      type: 'error',
      error: new UpstreamError({ kind: 'overloaded', message: 'Overloaded', providerCode: 'overloaded_error' }),
    });
    expect(writer.done).toBe(true);
    expect(sink.endCalls).toBe(1);
    const writesAtError = sink.writes.length;

    writer.write({ type: 'text-delta', index: 0, text: 'more' });
    writer.write({
      type: 'finish',
      reason: 'end-turn',
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    writer.fail(new GatewayError({ status: 500, code: 'SWITCHYARD_INTERNAL', message: 'late' }));
    writer.ping();
    expect(sink.writes.length).toBe(writesAtError);
    expect(sink.endCalls).toBe(1);

    const events = await readEvents(sink.text());
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const error = await sdkError(sink.text());
    expect(error.type).toBe('overloaded_error');
    expect(error.message).toContain('Overloaded');
  });

  it('maps an upstream error by status when it has no Anthropic type', async () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, 'm');
    for (const event of opening) writer.write(event);
    writer.write({
      type: 'error',
      error: new UpstreamError({
        kind: 'rate-limited',
        message: 'slow down',
        status: 429,
        providerCode: 'rate_limit_exceeded',
      }),
    });
    expect((await sdkError(sink.text())).type).toBe('rate_limit_error');
  });

  it('fail(GatewayError) writes the Anthropic error body with its type from the status', async () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, 'm');
    for (const event of opening) writer.write(event);
    writer.fail(
      new GatewayError({
        status: 504,
        code: 'SWITCHYARD_DEADLINE_EXCEEDED',
        message: 'The request deadline passed.',
        attempts: [{ deployment: 'anthropic-direct', kind: 'timeout' }],
      }),
    );
    expect(writer.done).toBe(true);
    expect(sink.endCalls).toBe(1);
    expect(sink.writes.at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"The request deadline passed.","attempts":[{"deployment":"anthropic-direct","kind":"timeout"}]}}\n\n',
    );
    const error = await sdkError(sink.text());
    expect(error.type).toBe('timeout_error');
  });

  it('fails cleanly before anything was written', async () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, 'm');
    writer.fail(new GatewayError({ status: 529, code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED', message: 'Overloaded' }));
    expect(sink.writes).toHaveLength(1);
    expect((await sdkError(sink.text())).type).toBe('overloaded_error');
  });

  it('writes nothing once finished', () => {
    const sink = collectingSink();
    const writer = createAnthropicStreamWriter(sink, 'm');
    writer.write({
      type: 'finish',
      reason: 'end-turn',
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    const count = sink.writes.length;
    writer.fail(new GatewayError({ status: 500, code: 'SWITCHYARD_INTERNAL', message: 'late' }));
    writer.write({ type: 'message-start' });
    writer.ping();
    expect(sink.writes.length).toBe(count);
    expect(sink.endCalls).toBe(1);
  });
});
