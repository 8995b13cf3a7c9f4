// The Vertex wire request as a whole (both publishers, exactly), betas and versions for Claude,
// the bearer token from the injected TokenSource, and answers read by the publisher that sent them.
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { UpstreamError } from '../../canonical/errors.js';
import { seededRandom } from '../../util/random.js';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { geminiFixtureBytes, geminiFixtureJson } from '../../../test/fixtures/gemini/load-fixtures.js';
import {
  fixedTokenSource,
  vertexClaudeTarget,
  vertexFixtureBytes,
  vertexFixtureJson,
  vertexGeminiTarget,
} from '../../../test/fixtures/vertex/load-fixtures.js';
import type { ProviderAdapter } from '../adapter.js';
import { createVertexAdapter } from './adapter.js';

interface ExpectedWire {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function setup(): { adapter: ProviderAdapter; clock: ManualClock; source: ReturnType<typeof fixedTokenSource> } {
  const clock = new ManualClock();
  const source = fixedTokenSource(() => clock.now());
  return { adapter: createVertexAdapter({ auth: source, clock, random: seededRandom(1) }), clock, source };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function streamEvents(adapter: ProviderAdapter, bytes: Uint8Array): Promise<CanonicalStreamEvent[]> {
  const events: CanonicalStreamEvent[] = [];
  for await (const event of adapter.parseStream(once(bytes), toolRoundTripRequest())) events.push(event);
  return events;
}

describe('vertexAdapter.buildRequest: the tool round trip, exactly', () => {
  it.each([
    [
      'claude (streamRawPredict, anthropic body without model)',
      vertexClaudeTarget,
      'request-claude-tool-round-trip.json',
    ],
    ['gemini (streamGenerateContent, Gemini body)', vertexGeminiTarget, 'request-gemini-tool-round-trip.json'],
  ] as const)('%s', async (_name, target, fixture) => {
    const { adapter } = setup();
    const expected = vertexFixtureJson<ExpectedWire>(fixture);
    const wire = await adapter.buildRequest(
      toolRoundTripRequest({ original: { format: 'openai-chat', body: {} } }),
      target,
    );
    expect(wire.method).toBe('POST');
    expect(wire.url).toBe(expected.url);
    expect(wire.headers).toEqual(expected.headers);
    expect(JSON.parse(wire.body ?? '')).toEqual(expected.body);
  });
});

describe('vertexAdapter.buildRequest: Claude', () => {
  it("forwards an Anthropic client's own body bridged to Vertex: version set, stream kept, first-party-only betas and fields removed", async () => {
    const { adapter } = setup();
    const clientBody = anthropicFixtureJson('client-request.json') as Record<string, unknown>;
    const request = simpleTextRequest({
      stream: true,
      anthropicBeta: ['claude-code-20250219', 'context-1m-2025-08-07', 'interleaved-thinking-2025-05-14'],
      anthropicVersion: '2023-06-01',
      original: { format: 'anthropic-messages', body: clientBody },
    });
    const wire = await adapter.buildRequest(request, vertexClaudeTarget);
    const body = JSON.parse(wire.body ?? '{}');
    expect(body.model).toBeUndefined();
    expect(body.anthropic_version).toBe('vertex-2023-10-16');
    expect(body.stream).toBe(true);
    expect(body.context_management).toBeUndefined();
    expect(body.output_config).toBeUndefined();
    expect(body.metadata).toEqual(clientBody.metadata);
    // Claude Code's attribution block is Claude's to see; the mid-conversation system turn is hoisted.
    expect(body.system[0].text).toMatch(/^x-anthropic-billing-header:/);
    expect(body.system.at(-1)).toEqual({ type: 'text', text: 'The user switched to plan mode.' });
    expect(body.messages).toEqual(
      (clientBody.messages as Array<{ role: string }>).filter((message) => message.role !== 'system'),
    );
    expect(wire.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(wire.bridged).toEqual({
      removed: [
        'beta=claude-code-20250219',
        'beta=context-1m-2025-08-07',
        'field=context_management',
        'field=output_config',
      ],
      changed: ['messages[role=system]→system'],
    });
    expect(wire.headers['anthropic-version']).toBeUndefined();
    expect(wire.url.endsWith(':streamRawPredict')).toBe(true);
  });

  it("moves a Bedrock-style body's anthropic_beta into the header and replaces its anthropic_version", async () => {
    const { adapter } = setup();
    const clientBody = {
      anthropic_version: 'bedrock-2023-05-31',
      anthropic_beta: ['interleaved-thinking-2025-05-14', 'claude-code-20250219'],
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const request = simpleTextRequest({
      anthropicBeta: ['claude-code-20250219'],
      original: { format: 'anthropic-messages', body: clientBody },
    });
    const wire = await adapter.buildRequest(request, vertexClaudeTarget);
    expect(JSON.parse(wire.body ?? '{}')).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(wire.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(wire.bridged?.removed).toEqual(['beta=claude-code-20250219']);
  });

  it('adds config headers but never lets them replace the bearer token', async () => {
    const { adapter } = setup();
    const wire = await adapter.buildRequest(simpleTextRequest(), {
      ...vertexClaudeTarget,
      headers: { Authorization: 'Bearer from-config', 'X-Goog-User-Project': 'billing-project' },
    });
    expect(wire.headers.authorization).toBe('Bearer ya29.test-access-token');
    expect(wire.headers['x-goog-user-project']).toBe('billing-project');
  });
});

describe('vertexAdapter.buildRequest: tokens', () => {
  it('fetches one token for many requests and a new one before the old expires', async () => {
    const { adapter, clock, source } = setup();
    for (let call = 0; call < 5; call++)
      await adapter.buildRequest(simpleTextRequest(), call % 2 === 0 ? vertexClaudeTarget : vertexGeminiTarget);
    expect(source.calls).toBe(1);
    await clock.advance(56 * 60_000);
    await adapter.buildRequest(simpleTextRequest(), vertexClaudeTarget);
    expect(source.calls).toBe(2);
  });

  it('fails with an auth UpstreamError when no token can be had, and checks the config before asking', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const adapter = createVertexAdapter({
      clock,
      auth: {
        getToken: async () => {
          calls += 1;
          throw new Error('Could not load the default credentials.');
        },
      },
    });
    const failure = await Promise.resolve(adapter.buildRequest(simpleTextRequest(), vertexGeminiTarget)).catch(
      (error: unknown) => error,
    );
    expect(UpstreamError.isInstance(failure) && failure.kind).toBe('auth');
    expect(calls).toBe(1);
    const misconfigured = await Promise.resolve(
      adapter.buildRequest(simpleTextRequest(), { ...vertexGeminiTarget, project: undefined }),
    ).catch((error: unknown) => error);
    expect(UpstreamError.isInstance(misconfigured) && misconfigured.kind).toBe('not-found');
  });
});

describe('vertexAdapter answers: read by the publisher that sent them', () => {
  it('reads a Claude Message and a GenerateContentResponse', () => {
    const { adapter } = setup();
    expect(adapter.parseResponse(vertexFixtureJson('claude-message.json'), simpleTextRequest())).toMatchObject({
      id: 'msg_vrtx_01JsonFixture',
      finishReason: 'end-turn',
      usage: { inputTokens: 18, outputTokens: 9 },
    });
    expect(
      adapter.parseResponse(geminiFixtureJson('response-function-call.json'), toolRoundTripRequest()),
    ).toMatchObject({
      finishReason: 'tool-use',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
  });

  it('reads Claude SSE (even one that opens with a ping) and Gemini SSE', async () => {
    const { adapter } = setup();
    const claude = await streamEvents(adapter, vertexFixtureBytes('claude-text.sse.txt'));
    expect(claude[0]).toMatchObject({ type: 'message-start', id: 'msg_vrtx_01TextFixture' });
    expect(claude.at(-1)).toMatchObject({ type: 'finish', reason: 'end-turn', usage: { outputTokens: 9 } });
    const pingFirst = new TextEncoder().encode(
      `event: ping\ndata: {"type": "ping"}\n\n${new TextDecoder().decode(vertexFixtureBytes('claude-text.sse.txt'))}`,
    );
    expect(await streamEvents(adapter, pingFirst)).toEqual(claude);
    const gemini = await streamEvents(adapter, geminiFixtureBytes('thinking.sse.txt'));
    expect(gemini.map((event) => event.type)).toContain('thinking-delta');
    expect(gemini.at(-1)).toMatchObject({ type: 'finish', reason: 'end-turn', usage: { reasoningTokens: 41 } });
  });

  it('reports in-band errors of either publisher as error events', async () => {
    const { adapter } = setup();
    const claude = await streamEvents(adapter, vertexFixtureBytes('claude-error-mid-stream.sse.txt'));
    const gemini = await streamEvents(adapter, geminiFixtureBytes('error-mid-stream.sse.txt'));
    for (const events of [claude, gemini]) {
      const last = events.at(-1);
      expect(last?.type === 'error' && last.error.kind).toBe('overloaded');
    }
  });
});
