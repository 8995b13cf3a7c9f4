// Continuation of broken streams on a manual clock: a stream cut, stalled or failed in-band after
// content is finished by a deployment that declares prefill support, spliced into the same client
// stream byte for byte as if nothing had happened (Anthropic and OpenAI formats); what cannot be
// continued ends with the ORIGINAL cause.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/canonical/errors.js';
import type { CanonicalStreamEvent } from '../../src/canonical/stream-event.js';
import type { Usage } from '../../src/canonical/usage.js';
import { createAnthropicStreamWriter } from '../../src/ingress/anthropic-messages/write-stream.js';
import { createOpenAIChatStreamWriter } from '../../src/ingress/openai-chat/write-stream.js';
import type { RoutedStream } from '../../src/routing/routed.js';
import { collectingSink } from '../fixtures/anthropic-ingress/stream-harness.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import type { ManualClock } from '../support/manual-clock.js';
import { setup, settle } from './router-harness.js';

const inputUsage = { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 };
const brokenHead: CanonicalStreamEvent[] = [
  { type: 'message-start', id: 'msg_first', upstreamModel: 'claude-sonnet-4-6', usage: inputUsage },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'Hello wor' },
];
const continuationUsage: Usage = { inputTokens: 14, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
const continuation: CanonicalStreamEvent[] = [
  { type: 'message-start', id: 'msg_second', upstreamModel: 'claude-sonnet-4-6', usage: { inputTokens: 14 } },
  { type: 'block-start', index: 0, block: { type: 'text' } },
  { type: 'text-delta', index: 0, text: 'ld, how ' },
  { type: 'text-delta', index: 0, text: 'are you?' },
  { type: 'block-end', index: 0 },
  { type: 'finish', reason: 'end-turn', usage: continuationUsage },
];
/** What an unbroken answer would have been: the client must not be able to tell the difference. */
const unbroken: CanonicalStreamEvent[] = [
  ...brokenHead,
  { type: 'text-delta', index: 0, text: 'ld, how ' },
  { type: 'text-delta', index: 0, text: 'are you?' },
  { type: 'block-end', index: 0 },
  // Input of the original request; output: the broken part estimated (9 chars → 3) plus the continuation's 5.
  { type: 'finish', reason: 'end-turn', usage: { ...inputUsage, outputTokens: 8 } },
];

async function collect(routed: RoutedStream, clock: ManualClock): Promise<CanonicalStreamEvent[]> {
  const events: CanonicalStreamEvent[] = [];
  await settle(
    (async () => {
      for await (const event of routed.events) events.push(event);
    })(),
    clock,
  );
  return events;
}

function anthropicBytes(events: CanonicalStreamEvent[]): string {
  const sink = collectingSink();
  const writer = createAnthropicStreamWriter(sink, 'claude-sonnet-4-6');
  for (const event of events) writer.write(event);
  return sink.text();
}

function openAIBytes(events: CanonicalStreamEvent[]): string {
  const sink = collectingSink();
  const writer = createOpenAIChatStreamWriter(sink, 'claude-sonnet-4-6', {
    createdSeconds: 1_700_000_000,
    includeUsage: true,
    id: 'chatcmpl-1',
  });
  for (const event of events) writer.write(event);
  return sink.text();
}

async function routeStream(options: Parameters<typeof setup>[0]) {
  const harness = setup({ route: { continuation: 'on' }, ...options });
  const request = simpleTextRequest({
    stream: true,
    original: {
      format: 'anthropic-messages',
      body: { model: 'sonnet', messages: [{ role: 'user', content: 'Say hello.' }] },
    },
  });
  const routed = (await settle(
    harness.router.route(request, new AbortController().signal),
    harness.clock,
  )) as RoutedStream;
  const events = await collect(routed, harness.clock);
  return { ...harness, routed, events };
}

describe('stream continuation', () => {
  it('splices a continuation into a cut stream, byte for byte as the unbroken answer, in both formats', async () => {
    const { events, calls, routed } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: brokenHead, thenFail: 'stream-interrupted' }],
        b: [{ type: 'stream', events: continuation }],
      },
      prefill: ['b'],
    });
    expect(events).toEqual(unbroken);
    expect(anthropicBytes(events)).toBe(anthropicBytes(unbroken));
    expect(openAIBytes(events)).toBe(openAIBytes(unbroken));
    // The continuation request: the original one plus the text already sent, as the assistant's prefill.
    const sent = calls[1]!.request;
    expect(sent.messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Hello wor' }] });
    expect((sent.original.body.messages as unknown[]).at(-1)).toEqual({ role: 'assistant', content: 'Hello wor' });
    expect(routed.attempts.map((attempt) => [attempt.deployment, attempt.role, attempt.kind])).toEqual([
      ['a', 'first', 'stream-interrupted'],
      ['b', 'continuation', 'success'],
    ]);
  });

  it('continues a stream that ends in an in-band error after content', async () => {
    const overloaded = new UpstreamError({ kind: 'overloaded', message: 'Overloaded', status: 529 });
    const { events } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: [...brokenHead, { type: 'error', error: overloaded }] }],
        b: [{ type: 'stream', events: continuation }],
      },
      prefill: ['b'],
    });
    expect(events).toEqual(unbroken);
  });

  it('continues a stream that stalls (silent past max(10 × its largest gap, the floor))', async () => {
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: brokenHead, thenHang: true }],
        b: [{ type: 'stream', events: continuation }],
      },
      prefill: ['b'],
      timeouts: { stallFloorMs: 1_000 },
    });
    expect(events).toEqual(unbroken);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(calls[1]!.at - calls[0]!.at).toBeLessThan(1_100);
  });

  it('drops the whitespace a prefill may not end with, without sending it twice', async () => {
    const head: CanonicalStreamEvent[] = [...brokenHead.slice(0, 2), { type: 'text-delta', index: 0, text: 'Hello ' }];
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: head, thenFail: 'stream-interrupted' }],
        b: [
          {
            type: 'stream',
            events: [
              continuation[0]!,
              continuation[1]!,
              { type: 'text-delta', index: 0, text: ' world' },
              continuation[4]!,
              continuation[5]!,
            ],
          },
        ],
      },
      prefill: ['b'],
    });
    expect(calls[1]!.request.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello' }],
    });
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('Hello world');
  });

  it('ends a stream cut inside a tool call with the original cause, never continued', async () => {
    const head: CanonicalStreamEvent[] = [
      brokenHead[0]!,
      { type: 'block-start', index: 0, block: { type: 'tool-call', id: 'toolu_1', name: 'get_weather' } },
      { type: 'tool-input-delta', index: 0, partialJson: '{"city": "Par' },
    ];
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: head, thenFail: 'stream-interrupted' }],
        b: [{ type: 'stream', events: continuation }],
      },
      prefill: ['b'],
    });
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    expect(last.type === 'error' && last.error.kind).toBe('stream-interrupted');
    expect(last.type === 'error' && last.error.message).toBe(
      'cut (not continued: the stream broke inside a tool call)',
    );
  });

  it('never sends a continuation to a deployment without prefill support: the original cause stands', async () => {
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: brokenHead, thenFail: 'stream-interrupted' }],
        b: [{ type: 'stream', events: continuation }],
      },
    });
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
    const last = events.at(-1)!;
    expect(last.type === 'error' && [last.error.kind, last.error.message]).toEqual([
      'stream-interrupted',
      'cut (not continued: no other deployment that supports prefill could take it on)',
    ]);
  });

  it('reports the original cause, not the continuation’s refusal, when the prefill deployment fails too', async () => {
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: brokenHead, thenFail: 'stream-interrupted' }],
        b: [{ type: 'fail', kind: 'invalid-request', status: 400 }],
      },
      prefill: ['b'],
    });
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'b']);
    const last = events.at(-1)!;
    expect(last.type === 'error' && [last.error.kind, last.error.status]).toEqual(['stream-interrupted', undefined]);
    expect(last.type === 'error' && last.error.message).not.toMatch(/invalid-request/);
  });

  it('leaves a route without continuation as it was: an in-band error', async () => {
    const { events, calls } = await routeStream({
      scripts: {
        a: [{ type: 'stream', events: brokenHead, thenFail: 'stream-interrupted' }],
        b: [{ type: 'stream', events: continuation }],
      },
      prefill: ['b'],
      route: { continuation: 'off' },
    });
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'stream-interrupted', message: 'cut' } });
  });
});
