// The conformance suite every provider adapter runs (the Hono pattern: one suite, many
// implementations). It checks the contract of src/providers/adapter.ts against each adapter's own
// wire fixtures: request building, event order, byte-split streams, error classification, abort, and
// the optional token counting (declared exactly where the deployment can count).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ProviderAdapter, DeploymentTarget, WireHeaders } from '../../src/providers/adapter.js';
import type { CanonicalStreamEvent } from '../../src/canonical/stream-event.js';
import type { FailureKind } from '../../src/canonical/errors.js';
import type { FinishReason } from '../../src/canonical/finish-reason.js';
import { UpstreamError } from '../../src/canonical/errors.js';
import { simpleTextRequest, toolRoundTripRequest } from '../support/canonical-fixtures.js';
import { encodeEventStreamMessage } from '../../src/transport/aws-event-stream.js';
import { captureSkippedEvents } from '../support/skipped-events.js';

export interface ErrorFixture {
  status: number;
  headers?: WireHeaders;
  body: string;
  kind: FailureKind;
  retryAfterMs?: number;
}

export interface AdapterConformanceOptions {
  adapter: ProviderAdapter;
  target: DeploymentTarget;
  /** Where the deployment's credential must appear in the built request (header name, lower case). */
  credentialHeader: string;
  fixtures: {
    /** A streamed text answer exactly as the provider sends it. */
    textStream: Uint8Array;
    expectedText: string;
    expectedFinish: FinishReason;
    /** A streamed answer with one tool call. */
    toolStream: Uint8Array;
    expectedTool: { name: string; input: unknown };
    /** A non-streaming JSON answer. */
    textResponse: unknown;
    expectedResponseText: string;
    /** A stream that carries an error in band after it started. */
    inBandErrorStream: Uint8Array;
    inBandErrorKind: FailureKind;
    errors: ErrorFixture[];
  };
  /** The stream is AWS event-stream frames (Bedrock), not SSE. */
  eventStreamFraming?: boolean;
  /** Present when this deployment can count tokens (TokenCounting); absent asserts that it cannot. */
  tokenCounting?: {
    /** A 2xx count answer exactly as the provider sends it. */
    answer: unknown;
    expectedInputTokens: number;
    /** How the counting URL ends (`/v1/messages/count_tokens`, `/count-tokens`, `:countTokens`). */
    urlSuffix: string;
    /** The counted request inside the wire body, when the body wraps it (Bedrock: base64). */
    countedRequest?: (body: Record<string, unknown>) => unknown;
  };
}

async function* chunksOf(bytes: Uint8Array, cuts: number[] = []): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].filter((value) => value > 0 && value < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

export async function collectEvents(
  adapter: ProviderAdapter,
  bytes: Uint8Array,
  cuts: number[] = [],
): Promise<CanonicalStreamEvent[]> {
  const events: CanonicalStreamEvent[] = [];
  for await (const event of adapter.parseStream(chunksOf(bytes, cuts), toolRoundTripRequest())) events.push(event);
  return events;
}

/** Invariants every canonical stream satisfies; returns the text and tool calls it carried. */
export function checkEventOrder(events: CanonicalStreamEvent[]): {
  text: string;
  tools: Array<{ name: string; input: unknown }>;
  finish?: Extract<CanonicalStreamEvent, { type: 'finish' }>;
} {
  const open = new Map<number, { kind: string; name?: string; json: string }>();
  const closed = new Set<number>();
  const tools: Array<{ name: string; input: unknown }> = [];
  let text = '';
  let finish: Extract<CanonicalStreamEvent, { type: 'finish' }> | undefined;
  events.forEach((event, position) => {
    expect(finish, `event after finish at ${position}`).toBeUndefined();
    if (event.type === 'message-start') {
      expect(position, 'message-start must come first').toBe(0);
      return;
    }
    if (event.type === 'block-start') {
      expect(open.has(event.index) || closed.has(event.index), `index ${event.index} reused`).toBe(false);
      open.set(event.index, {
        kind: event.block.type,
        name: event.block.type === 'tool-call' ? event.block.name : undefined,
        json: '',
      });
      return;
    }
    if (event.type === 'block-end') {
      const block = open.get(event.index);
      expect(block, `block-end for index ${event.index} that is not open`).toBeDefined();
      if (block?.kind === 'tool-call') tools.push({ name: block.name ?? '', input: JSON.parse(block.json || '{}') });
      open.delete(event.index);
      closed.add(event.index);
      return;
    }
    if (event.type === 'finish') {
      expect(open.size, 'blocks still open at finish').toBe(0);
      for (const value of Object.values(event.usage)) expect(value ?? 0).toBeGreaterThanOrEqual(0);
      finish = event;
      return;
    }
    if (event.type === 'error') return;
    // parseStream is the translate lane: relayed bytes come only from the relay lane's tap.
    expect(event.type).not.toBe('relay');
    if (event.type === 'relay') return;
    const block = open.get(event.index);
    expect(block, `${event.type} for index ${event.index} that is not open`).toBeDefined();
    if (event.type === 'text-delta') {
      expect(block?.kind).toBe('text');
      text += event.text;
    }
    if (event.type === 'tool-input-delta') {
      expect(block?.kind).toBe('tool-call');
      if (block) block.json += event.partialJson;
    }
  });
  return { text, tools, finish };
}

export function runAdapterConformance(name: string, options: AdapterConformanceOptions): void {
  const { adapter, target, fixtures } = options;

  describe(`adapter conformance: ${name}`, () => {
    it('builds a request to the deployment with its own credential', async () => {
      // No original body to forward, so every field goes through the adapter's canonical conversion.
      const request = toolRoundTripRequest({ original: { format: 'openai-chat', body: {} } });
      const wire = await adapter.buildRequest(request, target);
      expect(wire.method).toBe('POST');
      expect(wire.url.startsWith(target.baseUrl)).toBe(true);
      const headerNames = Object.keys(wire.headers).map((header) => header.toLowerCase());
      expect(headerNames).toContain(options.credentialHeader);
      const serialized = JSON.stringify(wire);
      if (target.apiKey) expect(serialized).toContain(target.apiKey);
      expect(() => JSON.parse(wire.body ?? '')).not.toThrow();
      expect(wire.body ?? '').toContain('get_weather');
    });

    it('builds a plain text request that names the deployment model', async () => {
      const wire = await adapter.buildRequest(simpleTextRequest(), target);
      expect(`${decodeURIComponent(wire.url)} ${wire.body ?? ''}`).toContain(target.model);
      expect(`${wire.url} ${wire.body ?? ''}`).not.toContain('"sonnet"');
    });

    it('streams text with well-ordered events', async () => {
      const events = await collectEvents(adapter, fixtures.textStream);
      const { text, finish } = checkEventOrder(events);
      expect(text).toBe(fixtures.expectedText);
      expect(finish?.reason).toBe(fixtures.expectedFinish);
      expect(finish?.usage.outputTokens).toBeGreaterThan(0);
    });

    it('streams a tool call whose input parses to the expected object', async () => {
      const events = await collectEvents(adapter, fixtures.toolStream);
      const { tools, finish } = checkEventOrder(events);
      expect(tools).toEqual([fixtures.expectedTool]);
      expect(finish?.reason).toBe('tool-use');
    });

    it('gives the same events however the bytes are split', async () => {
      const reference = await collectEvents(adapter, fixtures.toolStream);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: fixtures.toolStream.length - 1 }), { maxLength: 12 }),
          async (cuts) => {
            expect(await collectEvents(adapter, fixtures.toolStream, cuts)).toEqual(reference);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('reports an in-band error as an error event or an UpstreamError', async () => {
      let kind: FailureKind | undefined;
      try {
        const events = await collectEvents(adapter, fixtures.inBandErrorStream);
        const errorEvent = events.find((event) => event.type === 'error');
        if (errorEvent?.type === 'error') kind = errorEvent.error.kind;
      } catch (error) {
        expect(UpstreamError.isInstance(error)).toBe(true);
        if (UpstreamError.isInstance(error)) kind = error.kind;
      }
      expect(kind).toBe(fixtures.inBandErrorKind);
    });

    it('parses a non-streaming answer', () => {
      const response = adapter.parseResponse(fixtures.textResponse, simpleTextRequest());
      const text = response.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      expect(text).toBe(fixtures.expectedResponseText);
      expect(response.usage.outputTokens).toBeGreaterThan(0);
    });

    it('throws an UpstreamError for a body it cannot read', () => {
      let thrown: unknown;
      try {
        adapter.parseResponse({ unexpected: true }, simpleTextRequest());
      } catch (error) {
        thrown = error;
      }
      expect(UpstreamError.isInstance(thrown)).toBe(true);
    });

    it('skips a well-framed event it cannot parse, publishes the skip, and reads the rest of the stream', async () => {
      const unparseable = options.eventStreamFraming
        ? encodeEventStreamMessage({
            headers: {
              ':event-type': { type: 'string', value: 'chunk' },
              ':message-type': { type: 'string', value: 'event' },
            },
            body: new TextEncoder().encode('{not json'),
          })
        : new TextEncoder().encode('data: {not json\n\n');
      const withBadEvent = new Uint8Array([...unparseable, ...fixtures.textStream]);
      const skipped = captureSkippedEvents();
      try {
        expect(await collectEvents(adapter, withBadEvent)).toEqual(await collectEvents(adapter, fixtures.textStream));
      } finally {
        skipped.stop();
      }
      expect(skipped.events).toHaveLength(1);
    });

    if (options.eventStreamFraming)
      it('ends with an UpstreamError when the framing itself is broken', async () => {
        const garbage = new TextEncoder().encode('data: {not json\n\n');
        await expect(collectEvents(adapter, garbage)).rejects.toSatisfy((error: unknown) =>
          UpstreamError.isInstance(error),
        );
      });

    it.each(fixtures.errors)('classifies HTTP $status as $kind', (fixture) => {
      const error = adapter.parseError(fixture.status, fixture.headers ?? {}, fixture.body);
      expect(UpstreamError.isInstance(error)).toBe(true);
      expect(error.kind).toBe(fixture.kind);
      expect(error.status).toBe(fixture.status);
      if (fixture.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(fixture.retryAfterMs);
      if (target.apiKey) expect(error.message).not.toContain(target.apiKey);
    });

    it('classifies a non-JSON (HTML) error page without crashing', () => {
      const error = adapter.parseError(502, { 'content-type': 'text/html' }, '<html><body>Bad gateway</body></html>');
      expect(error.kind).toBe('server');
    });

    if (options.tokenCounting) {
      const counting = options.tokenCounting;
      it('counts tokens with its own credential, for the same input a request would send', async () => {
        expect(adapter.countTokens?.supports(target)).toBe(true);
        const request = toolRoundTripRequest({ original: { format: 'openai-chat', body: {} } });
        const wire = await adapter.countTokens!.buildRequest(request, target);
        expect(wire.method).toBe('POST');
        expect(new URL(wire.url).pathname.endsWith(counting.urlSuffix)).toBe(true);
        expect(Object.keys(wire.headers).map((header) => header.toLowerCase())).toContain(options.credentialHeader);
        const body = JSON.parse(wire.body ?? '') as Record<string, unknown>;
        const counted = JSON.stringify(counting.countedRequest?.(body) ?? body);
        expect(counted).toContain('get_weather');
        expect(counted).not.toContain('"stream"');
      });

      it('reads the count from its answer, and refuses an answer without one', () => {
        expect(adapter.countTokens!.parseResponse(counting.answer)).toBe(counting.expectedInputTokens);
        let thrown: unknown;
        try {
          adapter.countTokens!.parseResponse({ unexpected: true });
        } catch (error) {
          thrown = error;
        }
        expect(UpstreamError.isInstance(thrown)).toBe(true);
      });
    } else {
      it('declares that this deployment cannot count tokens', () => {
        expect(adapter.countTokens?.supports(target) ?? false).toBe(false);
      });
    }

    it('stops reading the upstream body when the consumer stops', async () => {
      let released = false;
      const bytes = fixtures.textStream;
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          yield bytes;
          yield new TextEncoder().encode('\n');
          for (;;) yield new Uint8Array(0);
        } finally {
          released = true;
        }
      }
      const iterator = adapter.parseStream(body(), simpleTextRequest())[Symbol.asyncIterator]();
      await iterator.next();
      await iterator.return?.();
      expect(released).toBe(true);
    });
  });
}
